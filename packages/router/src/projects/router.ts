import { z } from 'zod';
import { authedProcedure, entitled, router } from '../trpc.js';
import * as s from './schemas.js';
import * as projects from './service.js';

const byName = { input: s.projectScope, resolveId: (input: { project: string }, ctx: Parameters<typeof projects.projectIdByName>[0]) => projects.projectIdByName(ctx, input.project) };

export const projectsRouter = router({
  list: authedProcedure
    .meta(s.listMeta)
    .input(s.listProjectsInput)
    .output(s.projectPage)
    .query(({ ctx, input }) => projects.listProjects(ctx, input)),

  get: authedProcedure
    .meta(s.getMeta)
    .input(s.projectRef)
    .output(s.projectOutput)
    .query(({ ctx, input }) => projects.getProject(ctx, input.project)),

  create: entitled('project:create')
    .meta(s.createMeta)
    .input(s.createProjectInput)
    .output(s.projectOutput)
    .mutation(({ ctx, input }) => projects.createProject(ctx, input)),

  update: entitled('project:update:{id}', byName)
    .meta(s.updateMeta)
    .input(s.updateProjectInput)
    .output(s.projectOutput)
    .mutation(({ ctx, input }) => projects.updateProject(ctx, input.project, { name: input.name, description: input.description })),

  delete: entitled('project:delete:{id}', byName)
    .meta(s.deleteMeta)
    .input(s.projectRef)
    .output(z.void())
    .mutation(({ ctx, input }) => projects.deleteProject(ctx, input.project)),
});
