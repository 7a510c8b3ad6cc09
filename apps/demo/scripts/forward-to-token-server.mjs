// What a host app's backend does with its same-origin token endpoint: pass the browser's request on to the
// token server and its answer back, with the headers the component reads (Date, Retry-After). Used by the
// clock-skew test and the time-to-dashboard bench, whose host pages serve `/api/...` this way.
const ANSWER_HEADERS = ['content-type', 'cache-control', 'date', 'retry-after'];

export async function forwardToTokenServer(request, response, url) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const answer = await fetch(url, {
    method: request.method ?? 'GET',
    headers: {
      'content-type': request.headers['content-type'] ?? 'application/json',
      authorization: request.headers.authorization ?? '',
    },
    ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
  });
  const headers = {};
  for (const name of ANSWER_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  response.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
}
