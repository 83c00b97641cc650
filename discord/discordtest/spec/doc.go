// Package spec holds the Discord emulator to Discord's own rules: it matches
// REST requests against Discord's official OpenAPI description (embedded from
// openapi/openapi.json, MIT, see openapi/LICENSE and openapi/SOURCE.txt) and
// validates their bodies the way Discord would, answering with Discord's error
// shape.
//
// Three layers decide whether a body is accepted, in this order:
//
//  1. Integer-valued strings are coerced where the spec allows an integer and
//     never a string (see coerce.go): discordgo sends permission bits and
//     similar 64-bit values as JSON strings, which Discord accepts.
//  2. The request body schema of the operation, JSON Schema 2020-12, checked
//     with santhosh-tekuri/jsonschema/v6. The spec types nearly every
//     optional field as nullable, so discordgo's un-omitted nulls, false and
//     "" pass as they are (discordgo_test.go holds the shapes that prove it).
//     Before compiling, repair.go makes three changes: FORWARD (1) joins
//     MessageReferenceType, as the documentation has it (the one relaxation
//     a discordgo shape needed); two empty enums that would refuse every
//     value are dropped; and the spec's oneOf-of-consts enumerations are
//     respelled as enums (same meaning, half the work).
//  3. Limits Discord documents but the spec leaves out or states differently
//     (message content is 2000 characters, not the spec's 4000; embeds total
//     6000; at most 5 action rows; modal and command rules), coded by hand in
//     limits_*.go from the pages in /work/shared/discord-api-docs.
//
// A rejection is an *Error, which marshals exactly like Discord's error
// bodies: code 50035 "Invalid Form Body" with an errors tree keyed by JSON
// path, 50006 for an empty message, 50109 for a body that is not JSON.
package spec
