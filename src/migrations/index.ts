import { AuditAppendOnly1732400000001 } from "./1732400000001-AuditAppendOnly";
import { InitialSchema1732400000000 } from "./1732400000000-InitialSchema";
import { Messaging1732400000002 } from "./1732400000002-Messaging";

/** Every migration, oldest first, for the DataSource (ormconfig.ts). */
export const migrations = [InitialSchema1732400000000, AuditAppendOnly1732400000001, Messaging1732400000002];
