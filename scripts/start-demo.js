// `npm run demo`: the built portal on the embedded database with the demo house seeded.
process.env.ENCORE_DEMO ??= '1';
process.env.PORT ??= '3000';
process.env.NODE_ENV ??= 'development'; // the dev mailbox stays available in the demo
// adapter-node needs the public origin for its CSRF check on form posts.
process.env.ORIGIN ??= `http://localhost:${process.env.PORT}`;
// Drop uploads (DROPS_MAX_UPLOAD_MB, 20 by default) are larger than adapter-node's 512K default.
process.env.BODY_SIZE_LIMIT ??= '25M';
const port = process.env.PORT;
console.log(`\n  Encore demo: http://localhost:${port}  (staff@encore.demo / encore-demo-2026)\n`);
await import('../server.js');
