// Passport 0.6, installed under an alias beside 0.7: the same API and types.
declare module 'passport06' {
  import passport = require('passport');
  export = passport;
}
