// The API's JSON, as the web app reads it (v2.1 consultation, v3 publication).
export type Texts = Record<string, string>;

export interface Attachment {
  attachmentId: string;
  fileName: string;
  mediaType: string;
  size: number; // kilobytes
  mainContent: boolean;
  attachmentTitle?: Texts;
  digest: { digestMethod: string; digestValue: string };
  contentHref: string;
}

export interface Action {
  type?: string;
  actionType?: string;
  dueDate?: string;
  status: string;
  overdue: boolean;
  doneAt?: string;
  link?: string;
}

export interface Message {
  messageId: string;
  subject: Texts;
  receiptDate: string;
  expirationDate: string;
  readStatus: boolean;
  visible: boolean;
  registeredMail: boolean;
  registeredMailType?: string;
  deliveryState?: string;
  messageTypeId: string;
  senderOrganizationId: string;
  senderApplicationId: string;
  bodyMainContent: boolean;
  replyAuthorized: boolean;
  attachments: { items: Attachment[]; totalItems: number };
  partition?: string;
  originalMessageId?: string;
  action?: Action;
  replies?: { items: { messageId: string; receiptDate: string }[]; totalItems: number };
}

export interface Page<T> {
  items: T[];
  totalItems: number;
}

export interface EboxSummary {
  numberOfMessages: number;
  numberOfUnreadMessages: number;
}

export interface Partition {
  partitionId: string;
  name: string;
}

export interface SenderOrganization {
  organizationId: string;
  organizationShortName?: Texts;
  organizationLongName?: Texts;
}

export interface Evidence {
  evidenceId: string;
  sequence: number;
  event: string;
  eventTime: string;
  /** The signed record; absent (`contentWithheld`) while qualified mail awaits its recipient's acceptance. */
  jws?: string;
  contentWithheld?: boolean;
  /** Where the record is archived under Object Lock (absent until archived, seconds after): docs/evidence.md. */
  archive?: EvidenceArchive;
}

/** A record's batch object and line, the batch's digest list, and the time stamp over that list (base64 DER);
 *  a record archived before batches has its own object and no line. */
export interface EvidenceArchive {
  object: string;
  line?: number;
  digests?: string[];
  timeStampToken?: string;
}

/** `GET …/messages/{id}/evidences`: the records in chain order and the chain's signed head. */
export interface EvidencePage {
  items: Evidence[];
  totalItems: number;
  head?: string;
  contentWithheld?: boolean;
}

/** One line of `GET /messageRegistry/v3/sentMessages`: a published message and what became of it. */
export interface SentMessage {
  messageId: string;
  eboxId: { eboxType: "enterprise" | "citizen"; eboxIdValue: string };
  subject: Texts;
  receiptDate: string;
  expirationDate: string;
  readStatus: boolean;
  visible: boolean;
  registeredMail: boolean;
  registeredMailType?: string;
  deliveryState?: "awaiting_acceptance" | "accepted" | "refused" | "expired";
  action?: Action & { kind?: string };
  originalMessageId?: string;
}

export interface SentPage {
  items: SentMessage[];
  pageSize: number;
  before?: string;
}

/** `GET /bulk/v1/batches/{batchId}`: a batch's progress, then its summary. */
export interface BatchProgress {
  status: string;
  totalLines?: number;
  processed?: number;
  accepted?: number;
  alreadyPublished?: number;
  rejected?: number;
  sendAt?: string;
  receivedAt?: string;
  completedAt?: string;
  code?: string;
  message?: string;
}

/** One line of a batch's report (`<batchId>.results.jsonl`). */
export interface ReportLine {
  line: number;
  status: "published" | "rejected" | "valid";
  messageId?: string;
  code?: string;
  message?: string;
  alreadyPublished?: boolean;
}

/** `GET /admin/v1/statistics` (an operator: every table) and `…/statistics/sender` (a sender's own rows). */
export interface SenderYear {
  organizationId: string;
  name: string | null;
  year: number;
  documents: number;
  variationPercent?: number | null;
}

export interface SenderOutcomes extends SenderYear {
  read: number;
  readRatePercent: number | null;
  averageHoursToFirstRead: number | null;
  registered: { published: number; read: number };
  qualified: { published: number; accepted: number; refused: number; expired: number; failed: number; pending: number };
}

export interface Statistics {
  organizationId?: string;
  eboxes?: { activated: number; activatedEnterprises: number; activatedCitizens: number; activeLast12Months: number;
    digitalOnly: number; window: { from: string; to: string } };
  documentsPerYear?: { year: number; documents: number; variationPercent: number | null }[];
  documentsPerSenderPerYear: SenderYear[];
  newEboxesPerMonth?: { month: string; activated: number }[];
  senders: SenderOutcomes[];
}
