/** The caller's credential (a Taskyard API key or a JWT), kept in this browser's local storage. */
const KEY = "taskyard.token";

export function getToken(): string | null {
  return localStorage.getItem(KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(KEY, token.trim());
  else localStorage.removeItem(KEY);
}
