// SHA-256 in the browser (Web Crypto), base64url as the e-Box API writes digests.
export async function sha256Base64url(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let text = "";
  digest.forEach((b) => (text += String.fromCharCode(b)));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function base64urlToHex(base64url: string): string {
  const binary = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Array.from(binary, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
}
