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
  jws: string;
}
