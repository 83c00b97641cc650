package db

// TranslateAcct exposes translateAcct to the external tests (which use
// dbtest, so they cannot live in package db).
var TranslateAcct = translateAcct
