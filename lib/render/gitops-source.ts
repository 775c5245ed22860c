/**
 * Where Argo CD and Flux pull from: the repository URL and the revision, read and checked once,
 * then spelled the way each tool wants them.
 *
 * - Flux's GitRepository CRD takes only `http(s)://` and `ssh://` URLs, so an scp-style address
 *   (`git@host:org/repo.git`, what `git clone` prints) becomes `ssh://git@host/org/repo.git`
 *   for Flux; Argo CD, which matches its repository credentials by URL, gets the URL as written.
 * - A revision is a branch, a tag, a semver range of tags or a commit. Flux has one field for each
 *   (`ref.branch`, `ref.tag`, `ref.semver`, `ref.commit`); a tag written into `ref.branch` makes
 *   Flux look for a branch of that name and never find it.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';

/** What to follow in the repository. Give one of these to say it outright. */
export type GitRevision =
  | { readonly branch: string }
  | { readonly tag: string }
  | { readonly semver: string }
  | { readonly commit: string; readonly branch?: string };

/** A revision once read: which kind it is, and its value. */
export type ResolvedRevision =
  | { readonly kind: 'branch'; readonly branch: string }
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'semver'; readonly semver: string }
  | { readonly kind: 'commit'; readonly commit: string; readonly branch?: string | undefined };

/** A mistake in the hand-off's props: the field, what is wrong, and how to fix it. */
export interface SourceProblem {
  readonly field: string;
  readonly detail: string;
  readonly hint: string;
}

/** A full commit id: SHA-1 (40 hex digits) or SHA-256 (64). */
const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** One version: `1`, `1.4`, `v1.4.0`, `1.4.0-rc.1+build.5`. */
const VERSION = String.raw`v?(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*)){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?`;
/** A full semantic version, as a tag is usually named: `v1.4.0`, `1.4.0-rc.1`. */
const SEMVER_TAG = new RegExp(String.raw`^v?(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$`);
/** A version with wildcards (`1.x`, `1.4.*`, `*`), as ranges use them. */
const WILD = String.raw`(?:v?(?:0|[1-9]\d*|[xX*])(?:\.(?:0|[1-9]\d*|[xX*])){0,2}(?:-[0-9A-Za-z.-]+)?)`;
/** One comparison of a range: an optional operator and a version. */
const COMPARISON = String.raw`(?:(?:[<>]=?|=|!=|~>?|\^)\s*(?:${VERSION}|${WILD})|${WILD})`;
/** A range as Masterminds/semver (used by both Flux and Argo CD) reads it: `>=1.4.0 <2.0.0`, `~1.4`, `1.2 - 1.5`, `^1 || ^2`. */
const SEMVER_RANGE = new RegExp(String.raw`^\s*${COMPARISON}(?:\s*(?:,\s*|\s+-\s+|\s*\|\|\s*|\s+)${COMPARISON})*\s*$`);
/** Whether a range says more than one exact version (an operator, a wildcard, or several parts). */
const RANGE_SIGN = /[<>=~^*|,!]|(?:^|\.)[xX](?:\.|$|-)|\s/;

/** A branch or tag name git accepts (`git check-ref-format`, the parts that matter here). */
function refNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > 255) return 'is longer than 255 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'holds a space, a control character or one of ~ ^ : ? * [ \\';
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')) return 'starts with "-" or "/", or ends with "/", "." or ".lock"';
  if (name.includes('..') || name.includes('//') || name.includes('@{') || name === '@') return 'holds "..", "//" or "@{"';
  return undefined;
}

/** A short, safe excerpt of user input for a message (inputs can hold secrets). */
function excerpt(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Reads a revision. A plain string is taken as: a full commit id → commit; `refs/heads/X` →
 * branch X; `refs/tags/X` → tag X; a semantic version (`v1.4.0`) → tag; a range (`>=1.4 <2`,
 * `~1.4`, `1.x`, `*`) → semver; anything else → branch.
 */
export function resolveRevision(revision: string | GitRevision | undefined): { revision: ResolvedRevision; problems: SourceProblem[] } {
  const problems: SourceProblem[] = [];
  const r = readRevision(revision ?? { branch: 'main' });
  const bad = (detail: string, hint: string) => problems.push({ field: 'revision', detail, hint });
  switch (r.kind) {
    case 'branch':
    case 'tag': {
      const name = r.kind === 'branch' ? r.branch : r.tag;
      const why = refNameProblem(name);
      if (why) bad(`${r.kind} "${excerpt(name)}" ${why}: git has no such ${r.kind} name`, `name an existing ${r.kind} of the repository`);
      break;
    }
    case 'semver':
      if (!SEMVER_RANGE.test(r.semver)) bad(`semver range "${excerpt(r.semver)}" does not parse`, 'write a range of tag versions such as ">=1.4.0 <2.0.0", "~1.4" or "1.x"');
      break;
    case 'commit':
      if (!COMMIT.test(r.commit)) bad(`commit "${excerpt(r.commit)}" is not a full commit id`, 'give all 40 (SHA-1) or 64 (SHA-256) lower-case hex digits: Flux and Argo CD do not resolve abbreviated ids');
      if (r.branch !== undefined) {
        const why = refNameProblem(r.branch);
        if (why) bad(`branch "${excerpt(r.branch)}" ${why}`, 'name the branch that holds the commit, or leave it out');
      }
      break;
  }
  return { revision: r, problems };
}

function readRevision(revision: string | GitRevision): ResolvedRevision {
  if (typeof revision !== 'string') {
    if ('commit' in revision) return { kind: 'commit', commit: revision.commit, branch: revision.branch };
    if ('tag' in revision) return { kind: 'tag', tag: revision.tag };
    if ('semver' in revision) return { kind: 'semver', semver: revision.semver };
    return { kind: 'branch', branch: revision.branch };
  }
  const s = revision.trim();
  if (COMMIT.test(s)) return { kind: 'commit', commit: s };
  if (s.startsWith('refs/heads/')) return { kind: 'branch', branch: s.slice('refs/heads/'.length) };
  if (s.startsWith('refs/tags/')) return { kind: 'tag', tag: s.slice('refs/tags/'.length) };
  if (SEMVER_TAG.test(s)) return { kind: 'tag', tag: s };
  if (RANGE_SIGN.test(s) && SEMVER_RANGE.test(s)) return { kind: 'semver', semver: s };
  return { kind: 'branch', branch: s };
}

/** Flux GitRepository `spec.ref`. */
export function fluxRef(r: ResolvedRevision): Record<string, string> {
  switch (r.kind) {
    case 'branch':
      return { branch: r.branch };
    case 'tag':
      return { tag: r.tag };
    case 'semver':
      return { semver: r.semver };
    case 'commit':
      return r.branch === undefined ? { commit: r.commit } : { branch: r.branch, commit: r.commit };
  }
}

/** Argo CD `targetRevision`: a branch, a tag, a commit id, or a semver range of tags (Argo CD resolves ranges against tags only). */
export function argoTargetRevision(r: ResolvedRevision): string {
  switch (r.kind) {
    case 'branch':
      return r.branch;
    case 'tag':
      return r.tag;
    case 'semver':
      return r.semver;
    case 'commit':
      return r.commit;
  }
}

/** scp-like syntax as git reads it: `[user@]host:path`, the path not starting with `//` (nor holding an `@`: `user:token@host:path` is a credential, not a host `user`). */
const SCP = /^(?:([A-Za-z0-9._~%+-]+)@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(?!\/\/)([^@\s]+)$/;
const URL_FORM = /^(https?|ssh):\/\/[^\s/?#]+(?:[/?#]\S*)?$/;

/** A repository URL once read: what Argo CD gets (as written) and what Flux gets (always a URL). */
export interface ResolvedRepository {
  readonly argocd: string;
  readonly flux: string;
  readonly ssh: boolean;
}

/** Reads the repository URL: https, http, ssh, or scp-style (converted to ssh:// for Flux). */
export function resolveRepository(repoURL: string): { repository: ResolvedRepository; problems: SourceProblem[] } {
  const problems: SourceProblem[] = [];
  const url = repoURL.trim();
  const bad = (detail: string, hint: string) => problems.push({ field: 'repoURL', detail, hint });
  const m = URL_FORM.exec(url);
  if (m) {
    const scheme = m[1] as string;
    const authority = url.slice(scheme.length + 3).split(/[/?#]/)[0] ?? '';
    // user:password@ in the URL would put a credential into git; a bare user@ (ssh) is fine.
    if (authority.includes('@') && authority.slice(0, authority.lastIndexOf('@')).includes(':')) {
      bad(`repoURL "${scheme}://***@${authority.slice(authority.lastIndexOf('@') + 1)}/..." carries a password or token`, 'never put credentials in git: remove them from the URL and name the Secret that holds them in `credentials.secretName`');
    }
    return { repository: { argocd: url, flux: url, ssh: scheme === 'ssh' }, problems };
  }
  const scp = SCP.exec(url);
  if (scp && !/^[A-Za-z]:[\\/]/.test(url)) {
    const user = scp[1];
    const host = scp[2] as string;
    const path = scp[3] as string;
    const flux = `ssh://${user !== undefined ? `${user}@` : ''}${host}${path.startsWith('/') ? '' : '/'}${path}`;
    return { repository: { argocd: url, flux, ssh: true }, problems };
  }
  // Whatever stands before an "@" may be a credential: it is not repeated.
  bad(`repoURL "${excerpt(url.replace(/^[^@]*@/, '***@'))}" is not a URL Argo CD and Flux can clone`, 'use https://host/org/repo.git, ssh://git@host/org/repo.git, or git@host:org/repo.git');
  return { repository: { argocd: url, flux: url, ssh: false }, problems };
}

/** The folder of the rendered output in the repository: relative, `/`-separated, no `..`. */
export function repositoryPathProblem(path: string): SourceProblem | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.split(/[\\/]/).includes('..')) {
    return { field: 'path', detail: `path "${excerpt(path)}" is not a folder inside the repository`, hint: 'give the output folder relative to the repository root, e.g. "dist" or "deploy/dist"' };
  }
  return undefined;
}

/**
 * The output folder as Argo CD and Flux see it: relative to the root of the git repository that
 * holds it (the nearest folder above it with a `.git`), so that `--outdir` and `$CDK8S_OUTDIR`
 * move the rendered paths with them. Outside any repository (a scratch render), its own name.
 */
export function outputPathInRepository(outdir: string): string {
  const abs = resolve(outdir);
  for (let dir = dirname(abs); ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, '.git'))) return relative(dir, abs).split('\\').join('/');
    if (dirname(dir) === dir) return basename(abs);
  }
}
