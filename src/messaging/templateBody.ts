import { badInput } from "../errors";

/**
 * WhatsApp template bodies carry placeholders in double braces, either positional (`{{1}}`,
 * `{{2}}`) or named (`{{customer_name}}`), never both in one template (the Cloud API takes
 * `parameter_format` POSITIONAL or NAMED per template). Anything else in braces is refused here,
 * before WhatsApp would reject the template or, worse, send a customer a literal `{{name}`.
 */

/** The longest template body WhatsApp accepts, in characters. */
export const TEMPLATE_BODY_MAX = 1024;
/** The longest value of one variable; WhatsApp refuses a body that grows past its limits. */
export const TEMPLATE_VARIABLE_MAX = 1024;

const TOKEN = /\{\{([^{}]*)\}\}/g;
const POSITIONAL = /^[1-9][0-9]{0,2}$/;
const NAMED = /^[a-z][a-z0-9_]{0,63}$/;

/** How a template names its placeholders. */
export type PlaceholderStyle = "NONE" | "POSITIONAL" | "NAMED";

/** A parsed body: its style and its placeholders (positional ones `1..n`, named ones by first appearance). */
export interface ParsedTemplateBody {
  style: PlaceholderStyle;
  placeholders: string[];
}

/** The style of a stored placeholder list (the list alone decides it). */
export const styleOf = (placeholders: readonly string[]): PlaceholderStyle =>
  placeholders.length === 0 ? "NONE" : POSITIONAL.test(placeholders[0]) ? "POSITIONAL" : "NAMED";

/**
 * Parses a body's placeholders. BAD_USER_INPUT for a gap in the numbering (`{{1}} {{3}}`), a
 * numbering that does not start at 1, mixed styles, and any brace that is not part of a
 * well-formed placeholder (`{{1}`, `{{ 1 }}`, `{{Name}}`, `{{}}`, a lone `{`).
 */
export function parseTemplateBody(body: string): ParsedTemplateBody {
  const positional = new Set<number>();
  const named: string[] = [];
  for (const match of body.matchAll(TOKEN)) {
    const inner = match[1];
    if (POSITIONAL.test(inner)) positional.add(Number(inner));
    else if (NAMED.test(inner)) { if (!named.includes(inner)) named.push(inner); }
    else throw badInput(`Malformed placeholder {{${inner.slice(0, 40)}}}: use {{1}}, {{2}}, … or {{lower_case_name}}`, "body");
  }
  if (/[{}]/.test(body.replace(TOKEN, ""))) {
    throw badInput("Malformed braces: placeholders are written {{1}} or {{name}}, and no other braces are allowed", "body");
  }
  if (positional.size > 0 && named.length > 0) {
    throw badInput("Mixed placeholders: use either positional ({{1}}) or named ({{name}}) placeholders, not both", "body");
  }
  if (named.length > 0) return { style: "NAMED", placeholders: named };
  if (positional.size === 0) return { style: "NONE", placeholders: [] };
  const numbers = [...positional].sort((a, b) => a - b);
  const gap = numbers.findIndex((n, i) => n !== i + 1);
  if (gap >= 0) {
    throw badInput(`Positional placeholders must be numbered 1 to ${numbers.length} without gaps; {{${gap + 1}}} is missing`, "body");
  }
  return { style: "POSITIONAL", placeholders: numbers.map(String) };
}

/** One variable given when sending a template: the placeholder's name (`1` or `customer_name`) and its text. */
export interface TemplateVariable {
  name: string;
  value: string;
}

/**
 * Checks that `variables` fill `placeholders` exactly (no missing, unknown or repeated names)
 * and that every value is text WhatsApp accepts in a parameter (not blank, no new lines or
 * tabs, at most four spaces in a row). Returns the values in placeholder order.
 */
export function matchVariables(placeholders: readonly string[], variables: readonly TemplateVariable[]): TemplateVariable[] {
  const byName = new Map<string, string>();
  for (const v of variables) {
    if (byName.has(v.name)) throw badInput(`Variable ${v.name} is given twice`, "variables");
    byName.set(v.name, v.value);
  }
  const unknown = [...byName.keys()].filter((name) => !placeholders.includes(name));
  if (unknown.length > 0) {
    throw badInput(`The template has no placeholder ${unknown.map((n) => `{{${n.slice(0, 40)}}}`).join(", ")}; it expects ${describe(placeholders)}`, "variables");
  }
  const missing = placeholders.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw badInput(`Missing ${missing.map((n) => `{{${n}}}`).join(", ")}: the template expects ${describe(placeholders)}`, "variables");
  }
  return placeholders.map((name) => {
    const value = byName.get(name)!;
    if (value.trim().length === 0) throw badInput(`Variable ${name} is empty`, "variables");
    if (value.length > TEMPLATE_VARIABLE_MAX) throw badInput(`Variable ${name} must be at most ${TEMPLATE_VARIABLE_MAX} characters`, "variables");
    if (/[\n\r\t]| {5,}/.test(value)) {
      throw badInput(`Variable ${name} may not contain new lines, tabs or more than four consecutive spaces`, "variables");
    }
    return { name, value };
  });
}

const describe = (placeholders: readonly string[]): string =>
  placeholders.length === 0 ? "no variables" : `exactly ${placeholders.map((n) => `{{${n}}}`).join(", ")}`;

/** The body as the customer reads it, placeholders replaced by their values. */
export function renderTemplateBody(body: string, variables: readonly TemplateVariable[]): string {
  const values = new Map(variables.map((v) => [v.name, v.value]));
  return body.replace(TOKEN, (token, inner: string) => values.get(inner) ?? token);
}
