/**
 * `text` with its characters in one piece. JavaScriptCore keeps a string
 * built by concatenation (`+=`, as Eta renders a template) as a tree of its
 * pieces until something reads its characters: a backend's text is some 30
 * pieces, over twice the memory of its characters, and the renderer keeps
 * one per backend between commits. Reading it once flattens it in place
 * (hashing reads every character, and a native call is never optimised away).
 */
export function flatText(text: string): string {
  Bun.hash(text);
  return text;
}
