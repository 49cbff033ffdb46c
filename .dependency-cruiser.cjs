// @ts-check
/**
 * The dependency direction of ARCHITECTURE.md as an allow-list: an import that no rule below
 * allows fails `npm run lint`. Each layer names what it may use, ours and npm's; everything else,
 * however it is written (a bare directory, a long relative path, `import type`, `import()`), is
 * refused, because the check runs on resolved files, not on the text of the import.
 * Only the composition root (src/wiring, src/hub.ts, src/main.ts) may import everything.
 * tests/unit/dependency-fence.test.ts breaks each rule on purpose and expects it caught.
 */

/** Files of npm packages (and their `@types`), by name. */
const npm = (...names) => `^node_modules/(@types/)?(${names.join('|')})/`;
/** Files of our own layers, by path from the repository root. */
const ours = (...paths) => `^(${paths.join('|')})`;
const allow = (comment, from, to) => ({ comment, from: { path: from }, to });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  allowedSeverity: 'error',
  allowed: [
    allow(
      'Node built-ins outside the domain core',
      '^(src|channels|bots|widget/server)/(?!domain/)',
      {
        dependencyTypes: ['core'],
      },
    ),
    allow(
      'The domain core: its own types and rules, and three pure libraries',
      ours('src/domain/'),
      { path: [ours('src/domain/'), npm('luxon', 'libphonenumber-js', 'chrono-node')] },
    ),
    allow('Use cases: the domain and ports they declare themselves', ours('src/app/'), {
      path: [ours('src/(app|domain)/'), npm('ms', 'p-limit', 'bottleneck')],
    }),
    allow(
      'The store implements ports of the domain and, by their types only, of the use cases',
      ours('src/store/'),
      {
        path: [
          ours('src/(store|domain|infra)/'),
          npm('mongoose', 'mongodb', 'bson', 'lru-cache', 'zod'),
        ],
      },
    ),
    allow('Platform services (logging, metrics, timers, the local database)', ours('src/infra/'), {
      path: [
        ours('src/(infra|domain)/', 'locales/'),
        npm(
          'agenda',
          '@agendajs/[^/]+',
          'dataloader',
          // Browser scripts (the widget, the sandbox page) are built in memory at start-up.
          'esbuild',
          'csv-parse',
          'csv-stringify',
          'exceljs',
          'i18next',
          'mongodb',
          'bson',
          // The widget's sockets across hub processes, relayed through the database.
          '@socket\\.io/mongo-adapter',
          'pino',
          'prom-client',
          // Charts: Vega-Lite to SVG to PNG, the native part shipped inside the npm package.
          'vega',
          'vega-lite',
          '@resvg/resvg-js',
        ),
      ],
    }),
    allow(
      'Adapters see use cases and the platform by their types only',
      ours('src/(store|infra|http)/'),
      {
        path: ours('src/app/'),
        dependencyTypes: ['type-only'],
      },
    ),
    allow('HTTP: routes call use cases', ours('src/http/'), {
      path: [
        ours('src/(http|app|domain|infra)/'),
        npm('express', 'express-rate-limit', 'helmet', 'zod'),
      ],
    }),
    allow('HTTP hands a webhook to the channel contract (a type)', ours('src/http/'), {
      path: ours('channels/contract\\.ts'),
      dependencyTypes: ['type-only'],
    }),
    allow('Configuration', ours('src/config/'), {
      path: [
        ours('src/(config|domain)/', 'src/infra/local-db/engines\\.ts'),
        npm('ms', 'yaml', 'zod'),
      ],
    }),
    allow('Timer jobs parse their payloads and call use cases', ours('src/jobs/'), {
      path: [ours('src/(jobs|app|domain|infra)/'), npm('zod')],
    }),
    allow('A channel: its own folder, the shared contract and the domain', '^channels/([^/]+)/', {
      path: [
        '^channels/$1/',
        ours('channels/[^/]+\\.ts', 'src/domain/'),
        npm('grammy', 'vk-io', 'socket\\.io', 'rate-limiter-flexible', 'zod'),
      ],
    }),
    allow(
      'The channel contract speaks domain types; its helpers (accounts.ts) use the contract',
      ours('channels/[^/]+\\.ts'),
      { path: ours('src/domain/', 'channels/contract\\.ts') },
    ),
    allow('The manager bot calls use cases', ours('bots/'), {
      path: [
        ours('bots/', 'src/(app|domain)/'),
        npm('grammy', '@grammyjs/[^/]+', 'i18next', 'luxon', 'ms', 'p-limit'),
      ],
    }),
    allow('The widget: its own code, the widget protocol, the texts', ours('widget/'), {
      path: [ours('widget/', 'channels/widget/', 'locales/'), npm('socket\\.io-client')],
    }),
    allow("The widget's server side serves its built files", ours('widget/server/'), {
      path: [ours('widget/', 'src/infra/')],
    }),
    allow(
      'The sandbox composes a demo around the hub (started only as the sandbox): the hub, the use cases and stores it seeds through, signs as Viber does, and speaks its page protocol',
      ours('src/sandbox/'),
      {
        path: [
          ours('src/', 'channels/viber/signature\\.ts', 'widget/sandbox/protocol\\.ts'),
          npm('express', 'socket\\.io', 'zod'),
        ],
      },
    ),
    allow('The composition root wires everything', ours('src/(wiring/|hub\\.ts|main\\.ts)'), {
      path: '.',
    }),
  ],
  forbidden: [
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing cannot be checked (nor run).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|widget/dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.json'],
    },
  },
};
