import type { Principal } from "../auth/principal";
import { ActorType, Role } from "../entities/enums";

/** Who acted, as the audit trail records it: the role is the one held at that moment. */
export function actorOf(p: Principal): { actorType: ActorType; actorId: string | null; actorRole: Role | null } {
  switch (p.kind) {
    case "USER": return { actorType: ActorType.USER, actorId: p.id, actorRole: p.role };
    case "API_KEY": return { actorType: ActorType.API_KEY, actorId: p.id, actorRole: null };
    case "SYSTEM": return { actorType: ActorType.SYSTEM, actorId: null, actorRole: null };
  }
}
