import type { FastifyInstance } from 'fastify';

export default async function embedRoutes(app: FastifyInstance): Promise<void> {
  app.get('/embedded/dashboard', async (_request, reply) => reply.type('text/html').send('<!doctype html><p>todo</p>'));
}
