"""DynamoDB items, as pynamodb models, and the access patterns they serve.

Two tables, both keyed on ``pk`` (partition) and ``sk`` (sort). Their items are declared in
:mod:`.registry_items` (with the ``ByKind`` index) and :mod:`.message_items` (with the indexes that
serve the inbox's filters, the scheduled notifications and a sender's list); :mod:`.binding` points them
at the deployed tables. Import a model from the module that declares it.

Registry table (reference data, read on every publication, written by administrators):
| item                 | pk                | sk              | served access pattern                        |
|----------------------|-------------------|-----------------|----------------------------------------------|
| enterprise           | ENT#<number>      | ENTERPRISE      | GetItem: is the recipient active, e-Box open,|
|                      |                   |                 | its routing rules (in the same item, so      |
|                      |                   |                 | routing costs no read), digital-only flag    |
| partition            | ENT#<number>      | PARTITION#<id>  | Query begins_with: the e-Box's partitions    |
| user                 | ENT#<number>      | USER#<ssin>     | GetItem: a person's roles and partition      |
|                      |                   |                 | rights (once per request); Query: the users  |
| sender organisation  | ORG#<number>      | ORGANIZATION    | GetItem: names for reference data            |
| sender application   | ORG#<number>      | APP#<appId>     | GetItem: the registered trio                 |
| message type         | MSGTYPE#<typeId>  | MESSAGE_TYPE    | GetItem: validity period                     |
| OAuth client         | CLIENT#<clientId> | OAUTH_CLIENT    | GetItem: token endpoint                      |
| external IdP client  | IDP_CLIENT#<id>   | SENDER          | GetItem: a token of the senders' external    |
|                      |                   |                 | IdP names this client (cached 5 min if found)|
| sender suspension    | ORG#<number>      | SUSPENSION      | GetItem (uncached) on every publication      |
| sender request       | SENDER_REQUEST    | <requestId>     | Query: the operator's list (onboarding_store)|
| callback endpoint    | CALLBACK#<org>    | APP#<appId>     | Query per event: the sender's endpoints      |
|                      |                   |                 | (callback_store; its deliveries are in the   |
|                      |                   |                 | messages table, CALLBACK#<org>/DELIVERY#<id>)|
| notification         | ENT#<number>      | NOTIFY#<ssin>   | GetItem: a person's preference (API); Query  |
| preference           |                   |                 | begins_with: an e-Box's preferences, once    |
|                      |                   |                 | per notified message or e-Box and digest day |

Messages table (one partition per e-Box):
| item        | pk                              | sk           | served access pattern                            |
|-------------|---------------------------------|--------------|--------------------------------------------------|
| message     | EBOX#<number>                   | MSG#<uuid7>  | Query begins_with MSG#, newest first (uuid7 is   |
|             |                                 |              | time-ordered); GetItem by (e-Box, messageId), so |
|             |                                 |              | another e-Box's message is simply not found      |
| summary     | EBOX#<number>                   | SUMMARY      | GetItem: counts; updated in the same transaction |
| partition   | EBOX#<number>                   | SUMMARY#<partition> | the same counts for one partition: a  |
| summary     |                                 |              | person's summary and totalItems (BatchGetItem)   |
| idempotency | IDEMPOTENCY#<org>#<app>#<key>   | CLAIM        | GetItem + conditional Put in the transaction     |
| audit event | MSG#<messageId>                 | AUDIT#<time>#<event> | Query: a message's audit trail           |
| notified    | MSG#<messageId>                 | NOTIFIED     | conditional Put: e-mail sent once (contact addr.)|
| notified    | MSG#<messageId>                 | NOTIFIED#<kind>#<ssin or CONTACT or EVENT> | conditional |
|             |                                 |              | Put: one e-mail (or event) per kind (NEW,        |
|             |                                 |              | REMINDER, EXPIRY) and recipient; deleted if SES  |
|             |                                 |              | refuses, so a retry sends it                     |
| digest sent | DIGEST#<number>#<YYYY-MM-DD>    | NOTIFIED#DIGEST#<ssin> | the same, per person and digest day    |
| evidence    | MSG#<messageId>                 | EVIDENCE#<seq:04> | Query: the message's chain, in order; a new |
|             |                                 |              | chain is one item, EVIDENCE#0001: its records    |
|             |                                 |              | and its signed head, compressed, and             |
|             |                                 |              | head_sequence, updated on condition when a later |
|             |                                 |              | record (one item each) moves the head            |
|             |                                 |              | (adapters/evidence_chain.py, decision 0025)      |
| archive     | MSG#<messageId>                 | ARCHIVE#<seq:04> | where the records from <seq> were archived   |
|             |                                 |              | (batch object, lines): adapters/archive_entries  |
| chain head  | MSG#<messageId>                 | EVIDENCE_HEAD | chains written before decision 0025 only:     |
|             |                                 |              | GetItem; conditional on `sequence` in the        |
|             |                                 |              | transaction that appends, so chains never fork   |
| reply link  | MSG#<originalId>                | REPLY#<replyId> | Query begins_with REPLY#: the replies sent to |
|             |                                 |              | a message (its view lists them; the inbox filter |
|             |                                 |              | originalMessageId reads them, then BatchGetItem);|
|             |                                 |              | written in the reply's publication transaction   |

No request path scans. Items expire through the ``expires_at`` TTL attribute.
"""
