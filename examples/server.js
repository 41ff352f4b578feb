// A tiny HTTP server so the sample image has something to run.
const http = require('node:http');
const port = Number(process.env.PORT || 3000);
http.createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('hello from the container-guard sample\n');
}).listen(port);
