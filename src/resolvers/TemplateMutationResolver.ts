import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { approveTemplate } from "../commands/approveTemplate";
import { archiveTemplate } from "../commands/archiveTemplate";
import { createTemplate } from "../commands/createTemplate";
import { rejectTemplate } from "../commands/rejectTemplate";
import { submitTemplate } from "../commands/submitTemplate";
import { updateTemplate } from "../commands/updateTemplate";
import type { Context } from "../context";
import { Template } from "../entities/Template";
import { CreateTemplateInput, UpdateTemplateInput } from "./types/TemplateInputs";

/** The template lifecycle with its four-eyes rule: thin, each one a command. */
@Resolver(() => Template)
export class TemplateMutationResolver {
  @Mutation(() => Template, { description: "A new DRAFT; names are unique per organization and language" })
  createTemplate(@Arg("input", () => CreateTemplateInput) input: CreateTemplateInput, @Ctx() ctx: Context): Promise<Template> {
    return createTemplate(ctx, input);
  }

  @Mutation(() => Template, { description: "Only DRAFT and REJECTED templates; the editor can no longer approve it" })
  updateTemplate(
    @Arg("id", () => ID) id: string, @Arg("input", () => UpdateTemplateInput) input: UpdateTemplateInput, @Ctx() ctx: Context,
  ): Promise<Template> {
    return updateTemplate(ctx, id, input);
  }

  @Mutation(() => Template, { description: "DRAFT or REJECTED → PENDING_APPROVAL" })
  submitTemplate(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Template> {
    return submitTemplate(ctx, id);
  }

  @Mutation(() => Template, { description: "PENDING_APPROVAL → APPROVED, by an ADMIN who is neither its author nor its last editor" })
  approveTemplate(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Template> {
    return approveTemplate(ctx, id);
  }

  @Mutation(() => Template, { description: "PENDING_APPROVAL → REJECTED with a reason, by an ADMIN who is neither its author nor its last editor" })
  rejectTemplate(@Arg("id", () => ID) id: string, @Arg("reason", () => String) reason: string, @Ctx() ctx: Context): Promise<Template> {
    return rejectTemplate(ctx, id, reason);
  }

  @Mutation(() => Template, { description: "Retired for good: never sent or edited again" })
  archiveTemplate(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Template> {
    return archiveTemplate(ctx, id);
  }
}
