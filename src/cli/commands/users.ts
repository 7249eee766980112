/** @module `mcr users add` and `mcr users list`: local accounts. */
import { AccountError } from '../../access/account-errors.ts';
import { isRole, ROLES } from '../../shared/roles.ts';
import { createUserAccounts } from '../../access/user-accounts.ts';
import { createAuditLog } from '../../audit/audit-log.ts';
import { readAllStdin, UsageError } from '../cli-io.ts';
import { defineCommand } from '../command.ts';
import { configForCommand, storeForCommand } from './command-options.ts';

export const usersAddCommand = defineCommand({
  path: ['users', 'add'],
  summary: 'Create a local account (password read from standard input).',
  usage: [
    'Usage: mcr users add --username U --role R --organisation ODS --password-stdin',
    '                     [--display-name NAME] [--sds-user-id ID] [--sds-role-profile-id ID] [--config FILE]',
    '',
    `Roles: ${ROLES.join(', ')}`,
    'Example: printf "%s" "$PASSWORD" | mcr users add --username jsmith --role gp --organisation A81001 --password-stdin',
  ].join('\n'),
  options: {
    username: { type: 'string' },
    role: { type: 'string' },
    organisation: { type: 'string' },
    'display-name': { type: 'string' },
    'sds-user-id': { type: 'string' },
    'sds-role-profile-id': { type: 'string' },
    'password-stdin': { type: 'boolean' },
    config: { type: 'string' },
  },
  async run(values, io) {
    if (values.username === undefined) throw new UsageError('--username is required');
    if (values.organisation === undefined) throw new UsageError('--organisation is required');
    if (values.role === undefined || !isRole(values.role)) {
      throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    }
    if (values['password-stdin'] !== true) {
      throw new UsageError(
        '--password-stdin is required: passwords are never taken from the command line',
      );
    }
    const password = await readAllStdin(io.stdin);
    const config = configForCommand(values.config, io);
    const store = await storeForCommand(config);
    try {
      const accounts = createUserAccounts({
        db: store.db,
        production: io.env['NODE_ENV'] === 'production',
      });
      const user = await accounts.add({
        username: values.username,
        displayName: values['display-name'],
        role: values.role,
        organisation: values.organisation,
        password,
        sdsUserId: values['sds-user-id'],
        sdsRoleProfileId: values['sds-role-profile-id'],
      });
      await createAuditLog({ store }).append({
        action: 'user-created',
        time: new Date().toISOString(),
        requestId: `cli-${crypto.randomUUID()}`,
        // The command line acts as the local administrator; the OS user is outside our knowledge.
        actor: { userId: 'mcr-cli', username: 'mcr-cli', role: 'admin', organisation: 'LOCAL' },
        outcome: 'success',
        subject: {
          userId: user.id,
          username: user.username,
          role: user.role,
          organisation: user.organisation,
        },
      });
      io.stdout(`Created ${user.username} (${user.role}, ${user.organisation}).`);
      return 0;
    } catch (error) {
      if (error instanceof AccountError) {
        io.stderr(`mcr users add: ${error.message}`);
        return 1;
      }
      throw error;
    } finally {
      await store.close();
    }
  },
});

export const usersListCommand = defineCommand({
  path: ['users', 'list'],
  summary: 'List local accounts.',
  usage: 'Usage: mcr users list [--json] [--config FILE]',
  options: { json: { type: 'boolean' }, config: { type: 'string' } },
  async run(values, io) {
    const config = configForCommand(values.config, io);
    const store = await storeForCommand(config, { readOnly: true });
    try {
      const users = await createUserAccounts({ db: store.db, production: false }).list();
      if (values.json === true) {
        io.stdout(
          JSON.stringify(
            users.map(({ id, username, displayName, role, organisation, disabled }) => ({
              id,
              username,
              displayName,
              role,
              organisation,
              disabled,
            })),
          ),
        );
      } else {
        for (const user of users) {
          io.stdout(
            `${user.username.padEnd(24)} ${user.role.padEnd(20)} ${user.organisation.padEnd(10)} ${user.disabled ? 'disabled' : ''}`,
          );
        }
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});
