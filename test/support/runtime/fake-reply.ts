/** A reply of the fake admin socket: its text, and whether haproxy ends that text with a newline of its own before the prompt. */
export interface Reply {
  text: string;
  newline: boolean;
}

export const EMPTY: Reply = { text: '', newline: false };
export const msg = (text: string): Reply => ({ text, newline: true });
export const bare = (text: string): Reply => ({ text, newline: false });
