package db

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/lib/pq"
	"github.com/roundtable-bot/roundtable/workshop"
)

// msgUnavailable is what a member reads while PostgreSQL restarts.
const msgUnavailable = "The database is restarting, please try again."

// PostgreSQL error codes the stores react to.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeCheckViolation      = "23514"
	codeNotNullViolation    = "23502"
	codeExclusionViolation  = "23P01"
	codeInvalidText         = "22P02" // e.g. a bad enum or number literal
	codeTooManyConnections  = "53300"
	codeAdminShutdown       = "57P01"
	codeCrashShutdown       = "57P02"
	codeCannotConnectNow    = "57P03" // the server is starting up or shutting down
)

// translate turns a driver error from a query about what (a noun a member
// understands: "member", "workshop run") into a domain error, keeping the
// driver error in the chain for logs:
//
//	sql.ErrNoRows                    -> ENOTFOUND
//	unique or exclusion violation    -> ECONFLICT
//	check, foreign key, not null     -> EINVALID
//	lost or refused connection,
//	server shutting down or starting -> EUNAVAILABLE
//
// Anything else is returned unchanged (EINTERNAL to workshop.ErrorCode).
// Callers still wrap the result with their own context.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var domain *workshop.Error
	if errors.As(err, &domain) {
		return err
	}
	switch classify(err) {
	case kindNotFound:
		return fmt.Errorf("%w: %w", workshop.Errorf(workshop.ENOTFOUND, "No such %s.", what), err)
	case kindUnavailable:
		return fmt.Errorf("%w: %w", workshop.Errorf(workshop.EUNAVAILABLE, msgUnavailable), err)
	case kindConflict:
		return fmt.Errorf("%w: %w", workshop.Errorf(workshop.ECONFLICT, "That %s already exists.", what), err)
	case kindInvalid:
		return fmt.Errorf("%w: %w", workshop.Errorf(workshop.EINVALID, "That %s is not valid.", what), err)
	}
	return err
}

// errorKind is what a driver error means to a caller, whatever the domain:
// each domain's translation maps it to its own error codes.
type errorKind int

const (
	kindOther       errorKind = iota // not a condition the stores react to
	kindNotFound                     // sql.ErrNoRows
	kindConflict                     // unique or exclusion violation
	kindInvalid                      // check, foreign key, not null, bad literal
	kindUnavailable                  // the server is not there right now
)

// classify sorts a driver error into an errorKind (see translate).
func classify(err error) errorKind {
	switch {
	case err == nil:
		return kindOther
	case errors.Is(err, sql.ErrNoRows):
		return kindNotFound
	case unavailable(err):
		return kindUnavailable
	}
	if e := pq.As(err); e != nil {
		switch e.Code {
		case codeUniqueViolation, codeExclusionViolation:
			return kindConflict
		case codeCheckViolation, codeForeignKeyViolation, codeNotNullViolation, codeInvalidText:
			return kindInvalid
		}
	}
	return kindOther
}

// unavailable reports errors that mean "the server is not there right now":
// worth retrying, and not the caller's fault.
func unavailable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	if e := pq.As(err); e != nil {
		switch e.Code {
		case codeAdminShutdown, codeCrashShutdown, codeCannotConnectNow, codeTooManyConnections:
			return true
		}
		return e.Code.Class() == "08" // connection exception
	}
	return false
}
