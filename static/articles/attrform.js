// The detail card's form as data: which fields a span has (its label's attribute
// declarations, then the note), what each shows, and the attrs a new value makes. An
// attribute declared `in_text` names words of the article: picking them stores their code
// point offsets as <name>_start / <name>_end; typing a value keeps offsets only when the
// typed text occurs exactly once in the article. No DOM here.
import { trimUtf16 } from "./trim.js";

export const NOTE = { name: "note", type: "note", title: "Note", help: "optional" };

/** The fields of the detail card for a span of `label`: its attributes, then the note. */
export function fieldsOf(label) {
  return [...(label?.attributes ?? []), NOTE];
}

/** The field E goes to: the first attribute, or the note when the label has none. */
export function firstField(label) {
  return fieldsOf(label)[0].name;
}

/** What the side list shows beside a span: the value of its label's first text attribute. */
export function listValue(label, attrs) {
  const first = (label?.attributes ?? []).find((a) => a.type === "text");
  const value = first && attrs?.[first.name];
  return typeof value === "string" ? value : "";
}

/** The value a field shows for a span: a string, or a boolean for a checkbox. */
export function fieldValue(field, span) {
  if (field.type === "note") return span.note ?? "";
  const value = span.attrs?.[field.name];
  if (field.type === "boolean") return value === true;
  return value == null ? "" : String(value);
}

/** Whether the span's value of an in_text field is tied to words of the article. */
export function isPicked(field, attrs) {
  return Boolean(field.in_text) && Number.isInteger(attrs?.[`${field.name}_start`]);
}

/**
 * The attrs after the user set `field` to `raw` (typed text, a checkbox state or a chosen
 * option). Text and choices are trimmed; an empty one removes the attribute (and its
 * offsets). `article` ({ text, map }) is needed for in_text fields only.
 */
export function withValue(attrs, field, raw, article) {
  const out = { ...(attrs ?? {}) };
  const { name } = field;
  if (field.type === "boolean") {
    out[name] = raw === true;
    return out;
  }
  const value = String(raw ?? "").trim();
  if (value === (out[name] ?? "")) return out;
  if (value === "") delete out[name];
  else out[name] = value;
  if (field.in_text) {
    delete out[`${name}_start`];
    delete out[`${name}_end`];
    const at = value ? onlyOccurrence(article.text, value) : null;
    if (at !== null) {
      out[`${name}_start`] = article.map.toCp(at);
      out[`${name}_end`] = article.map.toCp(at + value.length);
    }
  }
  return out;
}

/**
 * The attrs after picking [start, end) (code points) of the article for the in_text field:
 * the value is those words (trimmed of whitespace), the offsets theirs. Null when the
 * picked text is only whitespace.
 */
export function withPicked(attrs, field, start, end, article) {
  const [u0, u1] = trimUtf16(article.text, article.map.toUtf16(start), article.map.toUtf16(end));
  if (u0 >= u1) return null;
  return {
    ...(attrs ?? {}),
    [field.name]: article.text.slice(u0, u1),
    [`${field.name}_start`]: article.map.toCp(u0),
    [`${field.name}_end`]: article.map.toCp(u1),
  };
}

/** The UTF-16 index of `needle` in `text` when it occurs there exactly once, else null. */
export function onlyOccurrence(text, needle) {
  const first = text.indexOf(needle);
  if (first < 0 || text.indexOf(needle, first + 1) >= 0) return null;
  return first;
}

/** Whether two attrs objects hold the same values (key order aside). */
export function sameAttrs(a, b) {
  const x = a ?? {};
  const y = b ?? {};
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  return keys.every((k) => k in y && JSON.stringify(x[k]) === JSON.stringify(y[k]));
}
