import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import { InUseError, notFound, ValidationError } from '../../errors.js';
import { departmentOf, normalizeName } from './identifiers.js';
import { mayManageServices } from './organisations.core.js';
import { CONTACT_REFERENCES, referencesOf, SERVICE_REFERENCES } from './organisations.references.js';
import type { ContactInput, ServiceInput } from './organisations.schemas.js';

/**
 * The services ("services d'accueil") and contacts of an organisation. Who: WRITE staff and the
 * platform administrator for any organisation; a company administrator for the organisations
 * where it holds the ADMIN membership. Any other organisation is a 404.
 */
export class ServiceContactService extends Service {

  /** The organisation, if the actor may manage its services and contacts; 404 otherwise. */
  async organisationFor(actor: Actor, organisationId: number) {
    if (!mayManageServices(actor, organisationId)) throw notFound();
    const org = await this.db.organisation.findUnique({
      where: { id: organisationId },
      select: { id: true, legalName: true, verified: true, addressLine1: true, addressLine2: true, postalCode: true, city: true, country: true },
    });
    if (!org) throw notFound();
    return org;
  }

  /** The management page: the organisation's services (with their contacts) and all its contacts. */
  async list(actor: Actor, organisationId: number) {
    const org = await this.organisationFor(actor, organisationId);
    const services = await this.db.service.findMany({ where: { organisationId }, orderBy: [{ name: 'asc' }, { id: 'asc' }], include: { _count: { select: { contacts: true } } } });
    const contacts = await this.db.contact.findMany({
      where: { organisationId },
      orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }],
      include: { service: { select: { id: true, name: true } } },
    });
    return { org, services, contacts };
  }

  async serviceOptions(organisationId: number) {
    return this.db.service.findMany({ where: { organisationId }, orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true, name: true } });
  }

  // ───────────── services ─────────────

  async getService(actor: Actor, organisationId: number, serviceId: number) {
    const org = await this.organisationFor(actor, organisationId);
    const service = await this.db.service.findFirst({ where: { id: serviceId, organisationId } });
    if (!service) throw notFound();
    return { org, service };
  }

  private serviceData(input: ServiceInput) {
    return { ...input, normalizedName: normalizeName(input.name), department: input.sameAddress ? null : departmentOf(input.postalCode, input.country) };
  }

  async createService(act: Act, organisationId: number, input: ServiceInput) {
    const { actor, requestId } = act;
    await this.organisationFor(actor, organisationId);
    return this.db.$transaction(async (tx) => {
      await this.lockOrganisation(tx, organisationId);
      const service = await tx.service.create({ data: { ...this.serviceData(input), organisationId } });
      await audit(tx, { actorId: actor.id, action: 'service.create', entityType: 'Service', entityId: service.id, after: service, requestId });
      return service;
    });
  }

  async updateService(act: Act, organisationId: number, serviceId: number, input: ServiceInput) {
    const { actor, requestId } = act;
    await this.getService(actor, organisationId, serviceId);
    return this.db.$transaction(async (tx) => {
      const before = await tx.service.findFirst({ where: { id: serviceId, organisationId } });
      if (!before) throw notFound();
      const after = await tx.service.update({ where: { id: serviceId }, data: this.serviceData(input) });
      await audit(tx, { actorId: actor.id, action: 'service.update', entityType: 'Service', entityId: serviceId, before, after, requestId });
      return after;
    });
  }

  /** Refused (InUseError) while contacts — later conventions — reference the service. */
  async deleteService(act: Act, organisationId: number, serviceId: number) {
    const { actor, requestId } = act;
    await this.getService(actor, organisationId, serviceId);
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Service" WHERE id = ${serviceId} AND "organisationId" = ${organisationId} FOR UPDATE`;
      if (!rows.length) throw notFound();
      const refs = await referencesOf(tx, SERVICE_REFERENCES, serviceId);
      if (refs.length) throw new InUseError(refs);
      const before = await tx.service.delete({ where: { id: serviceId } });
      await audit(tx, { actorId: actor.id, action: 'service.delete', entityType: 'Service', entityId: serviceId, before, requestId });
      return before;
    });
  }

  // ───────────── contacts ─────────────

  async getContact(actor: Actor, organisationId: number, contactId: number) {
    const org = await this.organisationFor(actor, organisationId);
    const contact = await this.db.contact.findFirst({ where: { id: contactId, organisationId } });
    if (!contact) throw notFound();
    return { org, contact };
  }

  /** A contact's service must be one of the same organisation. */
  private async checkService(tx: Tx, organisationId: number, serviceId: number | null) {
    if (serviceId === null) return;
    const found = await tx.service.findFirst({ where: { id: serviceId, organisationId }, select: { id: true } });
    if (!found) throw new ValidationError({ serviceId: 'organisations.contacts.errors.service' });
  }

  async createContact(act: Act, organisationId: number, input: ContactInput) {
    const { actor, requestId } = act;
    await this.organisationFor(actor, organisationId);
    return this.db.$transaction(async (tx) => {
      await this.lockOrganisation(tx, organisationId);
      await this.checkService(tx, organisationId, input.serviceId);
      const contact = await tx.contact.create({ data: { ...input, organisationId } });
      await audit(tx, { actorId: actor.id, action: 'contact.create', entityType: 'Contact', entityId: contact.id, after: contact, requestId });
      return contact;
    });
  }

  async updateContact(act: Act, organisationId: number, contactId: number, input: ContactInput) {
    const { actor, requestId } = act;
    await this.getContact(actor, organisationId, contactId);
    return this.db.$transaction(async (tx) => {
      const before = await tx.contact.findFirst({ where: { id: contactId, organisationId } });
      if (!before) throw notFound();
      await this.checkService(tx, organisationId, input.serviceId);
      const after = await tx.contact.update({ where: { id: contactId }, data: input });
      await audit(tx, { actorId: actor.id, action: 'contact.update', entityType: 'Contact', entityId: contactId, before, after, requestId });
      return after;
    });
  }

  /** Refused (InUseError) while a user account — later a convention — is linked to the contact. */
  async deleteContact(act: Act, organisationId: number, contactId: number) {
    const { actor, requestId } = act;
    await this.getContact(actor, organisationId, contactId);
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Contact" WHERE id = ${contactId} AND "organisationId" = ${organisationId} FOR UPDATE`;
      if (!rows.length) throw notFound();
      const refs = await referencesOf(tx, CONTACT_REFERENCES, contactId);
      if (refs.length) throw new InUseError(refs);
      const before = await tx.contact.delete({ where: { id: contactId } });
      await audit(tx, { actorId: actor.id, action: 'contact.delete', entityType: 'Contact', entityId: contactId, before, requestId });
      return before;
    });
  }

  /** Holds back the organisation's deletion or merge while a service or contact is added to it. */
  private async lockOrganisation(tx: Tx, organisationId: number) {
    const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Organisation" WHERE id = ${organisationId} FOR SHARE`;
    if (!rows.length) throw notFound();
  }
}
