import { Schema } from 'mongoose';
import { CHANNELS } from '../../domain/channel';
import { RESPONSIBLE_SLOTS } from '../../domain/department';
import { UTM_KEYS } from '../../domain/lead';

const { ObjectId } = Schema.Types;

export const channelField = { type: String, enum: CHANNELS, required: true } as const;

export const identitySchema = new Schema(
  // `account` absent: the channel's default account (domain/channel.ts).
  { channel: channelField, account: String, externalId: { type: String, required: true } },
  { _id: false },
);

/** One responsible per department; each slot is set on its own so hand-off never erases another. */
export const responsiblesSchema = new Schema(
  Object.fromEntries(RESPONSIBLE_SLOTS.map((slot) => [slot, { type: ObjectId, ref: 'User' }])),
  { _id: false },
);

export const utmSchema = new Schema(Object.fromEntries(UTM_KEYS.map((key) => [key, String])), {
  _id: false,
});

export const attachmentSchema = new Schema(
  {
    kind: {
      type: String,
      enum: ['photo', 'document', 'voice', 'video', 'audio', 'sticker'],
      required: true,
    },
    fileRef: { type: String, required: true },
    name: String,
    mimeType: String,
    size: Number,
  },
  { _id: false },
);
