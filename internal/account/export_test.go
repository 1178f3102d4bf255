package account

// AuthenticateWith is Authenticate with a chosen hash cost, so tests can
// log in hundreds of times without paying DefaultHasher's price each time.
var AuthenticateWith = authenticate
