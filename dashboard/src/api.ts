/**
 * The page's calls: test control under /_arclight (with the admin key when the instance has
 * one) and ARM (with a bearer token from Arclight's own token endpoint unless --auth off). Every
 * call goes to the origin that served the page.
 */

export interface InstanceInfo {
  auth: 'off' | 'lenient' | 'strict';
  rbac: string;
  agents: string;
  offlineAfterSeconds: number;
  tenantId: string;
  subscriptionId: string;
  clientId: string;
}

/** Why a call needs the person at the page: the admin key, or credentials for ARM. */
export class SignInNeeded extends Error {
  constructor(readonly what: 'adminKey' | 'credentials', message: string) {
    super(message);
  }
}

/** An answer in ARM's error envelope (or none at all). */
export class CallFailed extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** The default service principal's documented secret (README "Principals and grants"): tried before asking. */
const DEFAULT_SECRET = 'arclight-secret';
const ARM_SCOPE = 'https://management.azure.com/.default';
const KEY_STORAGE = 'arclight.adminKey';
const CREDENTIAL_STORAGE = 'arclight.credentials';

async function failure(response: Response): Promise<CallFailed> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } | string; error_description?: string };
    if (typeof body.error === 'object') return new CallFailed(response.status, body.error.code ?? '', body.error.message ?? text);
    return new CallFailed(response.status, String(body.error ?? ''), body.error_description ?? text);
  } catch {
    return new CallFailed(response.status, '', text || response.statusText);
  }
}

export class Api {
  info?: InstanceInfo;
  private token?: { value: string; refreshAt: number };

  get adminKey(): string | null {
    return sessionStorage.getItem(KEY_STORAGE);
  }

  set adminKey(key: string | null) {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  }

  setCredentials(clientId: string, secret: string): void {
    sessionStorage.setItem(CREDENTIAL_STORAGE, JSON.stringify({ clientId, secret }));
    this.token = undefined;
  }

  adminHeaders(): Record<string, string> {
    const key = this.adminKey;
    return key ? { Authorization: `Bearer ${key}` } : {};
  }

  /** A test-control call; JSON in and out (204: undefined). */
  async admin<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const response = await fetch(`/_arclight${path}`, {
      method: init.method ?? 'GET',
      headers: { ...this.adminHeaders(), ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (response.status === 401) throw new SignInNeeded('adminKey', 'This Arclight needs its admin key (--admin-key) for test control.');
    if (!response.ok) throw await failure(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  async loadInfo(): Promise<InstanceInfo> {
    this.info = await this.admin<InstanceInfo>('/info');
    return this.info;
  }

  /** An ARM GET by path or by the absolute nextLink ARM gave. */
  async arm<T>(pathOrUrl: string): Promise<T> {
    // A token refused is asked for again once: moving the emulator clock on can expire it.
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = this.info?.auth === 'off' ? {} : { Authorization: `Bearer ${await this.bearer()}` };
      const response = await fetch(pathOrUrl, { headers });
      if (response.status === 401) {
        this.token = undefined;
        if (attempt === 0) continue;
        throw new SignInNeeded('credentials', `ARM refused the token: ${(await failure(response)).message}`);
      }
      if (!response.ok) throw await failure(response);
      return (await response.json()) as T;
    }
  }

  /** Every item of an ARM list, following nextLink. */
  async armList<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    for (let next: string | undefined = path; next;) {
      const page: { value: T[]; nextLink?: string } = await this.arm(next);
      items.push(...page.value);
      next = page.nextLink;
    }
    return items;
  }

  /** A token for ARM by client credentials: those given at the page, else the default principal's. */
  private async bearer(): Promise<string> {
    if (this.token && Date.now() < this.token.refreshAt) return this.token.value;
    const info = this.info!;
    const stored = JSON.parse(sessionStorage.getItem(CREDENTIAL_STORAGE) ?? 'null') as { clientId: string; secret: string } | null;
    const credentials = stored ?? { clientId: info.clientId, secret: DEFAULT_SECRET };
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.secret, scope: ARM_SCOPE });
    const response = await fetch(`/${encodeURIComponent(info.tenantId)}/oauth2/v2.0/token`, { method: 'POST', body: form });
    if (!response.ok) {
      const refused = await failure(response);
      throw new SignInNeeded('credentials', `The token service refused ${stored ? 'the credentials given' : "the default principal's credentials"}: ${refused.message}`);
    }
    const body = (await response.json()) as { access_token: string; expires_in: number };
    // Renewed well before it expires: the emulator clock may have been moved on meanwhile.
    this.token = { value: body.access_token, refreshAt: Date.now() + Math.min(body.expires_in, 600) * 1000 };
    return body.access_token;
  }
}
