// Seeds a database (PostgreSQL URL, or a PGlite directory) with users and projects, straight in SQL.
import { createDatabase, sql } from '../packages/db/dist/index.js';
import { createPasswordHasher } from '../packages/router/dist/index.js';

export async function seed({ url, dataDir, users, projects }) {
  const handle = await createDatabase({ url, dataDir });
  try {
    await handle.migrate();
    const { db } = handle;
    const hasher = await createPasswordHasher();
    const hash = await hasher.hash('bench-user-password');
    const member = await db.selectFrom('roles').select('id').where('name', '=', 'member').executeTakeFirstOrThrow();
    const owner = await db.selectFrom('roles').select('id').where('name', '=', 'owner').executeTakeFirstOrThrow();
    // The owner the benchmark logs in as (the API creates none on a database that has users).
    await sql`
      insert into users (email, name, password_hash, role_id, created_at, updated_at)
      values ('bench@example.com', 'Bench Owner', ${await hasher.hash('bench-password-1')}, ${owner.id}::uuid, now() - interval '1 day', now())
      on conflict (email) do nothing`.execute(db);
    await sql`
      insert into users (email, name, password_hash, role_id, created_at, updated_at)
      select 'user' || g || '@bench.example', 'Bench User ' || g, ${hash}, ${member.id}::uuid,
             now() - make_interval(secs => ${users} - g), now()
      from generate_series(1, ${users}) g
      on conflict (email) do nothing`.execute(db);
    await sql`
      insert into projects (name, description, created_at, updated_at)
      select 'project-' || g, 'Bench project ' || g, now() - make_interval(secs => ${projects} - g), now()
      from generate_series(1, ${projects}) g
      on conflict (name) do nothing`.execute(db);
  } finally {
    await handle.close();
  }
}
