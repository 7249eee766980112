// The layer map (docs/architecture.md): a module may import its own layer and the layers below
// it, never one above; the web imports only the API contract. `npm run layers` checks it and
// `npm test` runs it next to the cycle check. Type-only imports count: a type is a dependency too.

/**
 * Bottom to top. `folder/` is everything under a folder, `name*` every module whose path starts so,
 * anything else one module. The most specific entry decides a module's layer.
 */
const LAYERS = [
  // Foundation: vocabulary, guards and plumbing that every layer may use.
  ['src/shared/', 'src/http/', 'src/config/', 'src/store/'],
  // The patient's identity: the NHS number, the national trace.
  ['src/identity/'],
  // The systems that hold the record and the calls to them (what they answer is checked against the trace).
  ['src/sources/'],
  // The record assembled from what the sources answered.
  ['src/record/'],
  // Who may see what, by whose permission, and the trail of it.
  ['src/consent/', 'src/access/', 'src/audit/'],
  // Audited actions that use the concepts below (the record view, and its FHIR form), and what
  // patients are told.
  [
    'src/record/record-view*',
    'src/record/record-print.ts',
    'src/record/record-pipeline.ts',
    'src/record/fhir-record-bundle.ts',
    'src/record/search-patients.ts',
    'src/notifications/',
  ],
  // The patient's own view of their record and its trail.
  ['src/patient/'],
  // Entry points: the HTTP server, the command line, the composition root.
  ['src/server/', 'src/cli/', 'src/app.ts', 'src/main.ts'],
];

/**
 * What the web may import besides its own files and the API contract (`src/api/`): pure shared
 * logic with no I/O, each for a reason. Shrinks as `src/api/` takes the shapes over.
 */
const WEB_EXCEPTIONS = [
  // Role names and their display names: how the UI names a user's role.
  'src/shared/roles.ts',
  // The guards for JSON of unknown shape (what the server answered is checked, never trusted).
  'src/shared/json-guards.ts',
  // The Merkle proof check (RFC 6962, Web Crypto): the browser checks audit proofs itself.
  'src/shared/merkle-proof.ts',
  // NHS number checksum and formatting: checked in the form before a search is sent.
  'src/identity/nhs-number.ts',
  // Which R4 resource types belong to which section: the record page warns of ones it cannot show.
  'src/record/r4-sections.ts',
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const regexOf = (entry) =>
  entry.endsWith('/')
    ? escape(entry)
    : entry.endsWith('*')
      ? escape(entry.slice(0, -1))
      : `${escape(entry)}$`;
const anyOf = (entries) => `^(${entries.map(regexOf).join('|')})`;
const prefixOf = (entry) => entry.replace(/\*$/, '');
/** Entries in other layers that are more specific than one of `entries` (they decide their modules). */
const carvedOut = (entries, layer) =>
  LAYERS.flatMap((others, index) => (index === layer ? [] : others)).filter((other) =>
    entries.some(
      (entry) => entry.endsWith('/') && other !== entry && other.startsWith(prefixOf(entry)),
    ),
  );

const layerRules = LAYERS.slice(0, -1).map((entries, layer) => {
  const above = LAYERS.slice(layer + 1).flat();
  const fromNot = carvedOut(entries, layer);
  const toNot = carvedOut(above, -1).filter((entry) =>
    LAYERS.slice(0, layer + 1).some((below) => below.includes(entry)),
  );
  return {
    name: `layer-${layer}-upward`,
    comment: `${entries.join(', ')} may not import a layer above it (docs/architecture.md).`,
    severity: 'error',
    from: { path: anyOf(entries), ...(fromNot.length > 0 ? { pathNot: anyOf(fromNot) } : {}) },
    to: { path: anyOf(above), ...(toNot.length > 0 ? { pathNot: anyOf(toNot) } : {}) },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'web-imports-the-api-only',
      comment:
        'The browser code imports its own files, the API contract (src/api/) and the listed pure ' +
        'modules only (WEB_EXCEPTIONS in .dependency-cruiser.cjs, docs/architecture.md).',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^(src|sim)/', pathNot: anyOf(['src/web/', 'src/api/', ...WEB_EXCEPTIONS]) },
    },
    {
      name: 'only-the-web-imports-the-web',
      comment: 'The server serves the built web; no server module imports browser code.',
      severity: 'error',
      from: { path: '^(src|sim)/', pathNot: '^src/web/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'simulators-stay-out-of-the-product',
      comment:
        'The simulated national services are started by the command line (demo, sim) and the tests; ' +
        'no other product module imports them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^sim/' },
    },
    {
      name: 'simulators-use-identity-and-config-only',
      comment:
        'The simulators speak the national protocols; of ours they use only the NHS number rules and config.',
      severity: 'error',
      from: { path: '^sim/' },
      to: { path: '^src/', pathNot: '^src/(identity|config|shared|http)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a layer rule cannot judge what it cannot find).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
