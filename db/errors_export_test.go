package db

// Translate exposes translate to the external tests, which cannot live in
// package db because they use dbtest (which imports db).
var Translate = translate
