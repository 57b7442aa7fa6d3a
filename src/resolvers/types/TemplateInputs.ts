import { Field, ID, InputType } from "type-graphql";
import { TemplateCategory } from "../../entities/enums";

/** Input of `createTemplate`: placeholders are parsed from `body`. */
@InputType()
export class CreateTemplateInput {
  @Field({ description: "WhatsApp template name: lower-case letters, digits and underscores" }) name: string;
  @Field({ description: "WhatsApp language code, e.g. en or en_US" }) language: string;
  @Field(() => TemplateCategory) category: TemplateCategory;
  @Field({ description: "Up to 1024 characters; placeholders {{1}}, {{2}}, … or {{named}}, one style per template" }) body: string;
  @Field(() => [ID], { defaultValue: [], description: "Teams that may use it; empty means every team" }) teamIds: string[];
}

/** Input of `updateTemplate`: only the fields given change; at least one is required. */
@InputType()
export class UpdateTemplateInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) language?: string;
  @Field(() => TemplateCategory, { nullable: true }) category?: TemplateCategory;
  @Field({ nullable: true }) body?: string;
  @Field(() => [ID], { nullable: true }) teamIds?: string[];
}

/** One value for a template placeholder: `name` is `1`, `2`, … or the named placeholder. */
@InputType()
export class TemplateVariableInput {
  @Field() name: string;
  @Field() value: string;
}
