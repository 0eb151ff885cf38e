// Koa 2, installed as `koa2` (npm:koa@2) beside Koa 3, has the same public types.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
