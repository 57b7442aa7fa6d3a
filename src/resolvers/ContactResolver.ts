import { FieldResolver, Resolver, Root } from "type-graphql";
import { Contact } from "../entities/Contact";

/** Shows only the last three digits: `+44 ••• ••• •123`. */
export function maskPhoneNumber(e164: string): string {
  const digits = e164.replace(/\D/g, "");
  const country = digits.startsWith("1") ? "1" : digits.slice(0, 2);
  return `+${country} ••• ••• •${digits.slice(-3)}`;
}

/** Contact fields; the PII ones are guarded by the `contactPiiReader` rule. */
@Resolver(() => Contact)
export class ContactResolver {
  @FieldResolver(() => String, { nullable: true })
  phoneNumber(@Root() c: Contact): string {
    return c.phoneNumber;
  }

  @FieldResolver(() => String, { nullable: true })
  whatsappId(@Root() c: Contact): string {
    return c.whatsappId;
  }

  @FieldResolver(() => String)
  maskedPhoneNumber(@Root() c: Contact): string {
    return maskPhoneNumber(c.phoneNumber);
  }
}
