import { groupedCreate } from '../grouped-writes';
import { Types } from 'mongoose';
import { accountOf, identityKey } from '../../domain/channel';
import type { Contact } from '../../domain/contact';
import type { ContactStore } from '../../app/messaging/ports';
import type { ContactRepository } from '../../domain/ports';
import type { Models } from '../models';
import type { ContactDoc } from '../models/contact.model';
import { distinct, groupedLookup } from '../grouped-reads';

type StoredContact = ContactDoc & { _id: Types.ObjectId; createdAt: Date };

function toContact(doc: StoredContact): Contact {
  const contact: Contact = {
    id: doc._id.toHexString(),
    identities: doc.identities.map(({ channel, account, externalId }) => ({
      channel,
      ...accountOf({ account: account ?? undefined }),
      externalId,
    })),
    phones: [...doc.phones],
    emails: [...doc.emails],
    createdAt: doc.createdAt,
  };
  if (doc.name) contact.name = doc.name;
  if (doc.companyId) contact.companyId = doc.companyId.toHexString();
  return contact;
}

export function createContactRepository(models: Models): ContactRepository & ContactStore {
  const { Contact: ContactModel } = models;
  const insert = groupedCreate(ContactModel);
  const findOne = (filter: Record<string, unknown>) =>
    ContactModel.findOne(filter).sort({ createdAt: 1 }).lean<StoredContact>();
  // The oldest contact holding each identity of a batch (a merge may leave two).
  const byIdentity = groupedLookup<string, StoredContact>({
    find: (keys) =>
      ContactModel.find({ identityKeys: { $in: distinct(keys) } }).lean<StoredContact[]>(),
    matches: (doc, key) => doc.identityKeys.includes(key),
    better: (candidate, current) => candidate.createdAt < current.createdAt,
  });

  return {
    async findByAny({ identity, phones = [], emails = [] }) {
      // Identity is the strongest proof of "same person", so it is tried first and alone.
      if (identity) {
        const found = await byIdentity(identityKey(identity));
        if (found) return toContact(found);
      }
      if (phones.length > 0) {
        const byPhone = await findOne({ phones: { $in: phones } });
        if (byPhone) return toContact(byPhone);
      }
      if (emails.length > 0) {
        const byEmail = await findOne({ emails: { $in: emails } });
        if (byEmail) return toContact(byEmail);
      }
      return undefined;
    },

    async create(contact) {
      const created = await insert({
        ...contact,
        identityKeys: contact.identities.map(identityKey),
        companyId: contact.companyId ? new Types.ObjectId(contact.companyId) : undefined,
      });
      return toContact(created as StoredContact);
    },

    async enrich(contactId, { identity, phones, emails, name }) {
      const filter = { _id: new Types.ObjectId(contactId) };
      await ContactModel.updateOne(filter, {
        $addToSet: {
          phones: { $each: phones },
          emails: { $each: emails },
          ...(identity ? { identities: identity, identityKeys: identityKey(identity) } : {}),
        },
      });
      // A name the customer gave fills a blank; it never overwrites what a manager entered.
      if (name) await ContactModel.updateOne({ ...filter, name: null }, { $set: { name } });
    },

    async addIdentity(contactId, identity) {
      await ContactModel.updateOne(
        { _id: new Types.ObjectId(contactId) },
        { $addToSet: { identities: identity, identityKeys: identityKey(identity) } },
      );
    },
  };
}
