package commands

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/workshop"
)

func restErr(status, code int) *discordgo.RESTError {
	e := &discordgo.RESTError{Response: &http.Response{StatusCode: status}}
	if code != 0 {
		e.Message = &discordgo.APIErrorMessage{Code: code, Message: "refused"}
	}
	return e
}

// sqlStateErr stands for a lib/pq error, which reports its code through SQLState.
type sqlStateErr string

func (e sqlStateErr) Error() string    { return "pq: " + string(e) }
func (e sqlStateErr) SQLState() string { return string(e) }

func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		want  string // the message, or a part of it after "~"
		level slog.Level
	}{
		{"workshop forbidden", fmt.Errorf("begin run: %w", workshop.Errorf(workshop.EFORBIDDEN, "Only a host can begin the workshop.")),
			"Only a host can begin the workshop.", slog.LevelInfo},
		{"accountability invalid", accountability.Errorf(accountability.EINVALID, "Pick a time like 18:30."),
			"Pick a time like 18:30.", slog.LevelInfo},
		{"accountability not found", accountability.Errorf(accountability.ENOTFOUND, "No such thread."), "No such thread.", slog.LevelInfo},
		{"unavailable without words", fmt.Errorf("store: %w", &workshop.Error{Code: workshop.EUNAVAILABLE}), MsgUnavailable, slog.LevelWarn},
		{"unavailable with words", accountability.Errorf(accountability.EUNAVAILABLE, "Check-ins are paused."), "Check-ins are paused.", slog.LevelWarn},
		{"internal hides its message", workshop.Errorf(workshop.EINTERNAL, "pq: relation runs does not exist"), MsgGeneric, slog.LevelError},
		{"domain error without words", &workshop.Error{Code: workshop.ECONFLICT}, MsgGeneric, slog.LevelError},
		{"missing permission with hint", NeedsPermission(discordgo.PermissionManageChannels, fmt.Errorf("create room: %w", restErr(403, 50013))),
			"I am missing a permission in this channel: I need Manage Channels for that (ask an admin to give me Manage Channels).", slog.LevelWarn},
		{"missing permission without hint", restErr(403, 50013), "~I am missing a permission in this channel", slog.LevelWarn},
		{"missing access", restErr(403, 50001), "~View Channel", slog.LevelWarn},
		{"unknown channel", restErr(404, 10003), "That channel no longer exists.", slog.LevelInfo},
		{"cannot DM", restErr(403, 50007), "~I cannot send you a direct message", slog.LevelInfo},
		{"too many channels", restErr(400, 30013), "~500 channels", slog.LevelWarn},
		{"not in voice", restErr(400, 40032), "~not in a voice channel", slog.LevelInfo},
		{"discord 502", restErr(502, 0), MsgDiscordDown, slog.LevelWarn},
		{"unexplained 400", restErr(400, 50035), MsgGeneric, slog.LevelError},
		{"stale", fmt.Errorf("x: %w", ErrStale), MsgStale, slog.LevelInfo},
		{"unknown command", ErrUnknownCommand, MsgUnknownCommand, slog.LevelWarn},
		{"postgres restarting, untranslated", fmt.Errorf("load run: %w", sqlStateErr("57P03")), MsgUnavailable, slog.LevelWarn},
		{"postgres connection lost", sqlStateErr("08006"), MsgUnavailable, slog.LevelWarn},
		{"postgres other failure", sqlStateErr("42P01"), MsgGeneric, slog.LevelError},
		{"bad connection", fmt.Errorf("query: %w", driver.ErrBadConn), MsgUnavailable, slog.LevelWarn},
		{"timeout", fmt.Errorf("load: %w", context.DeadlineExceeded), MsgTimeout, slog.LevelWarn},
		{"panic", &panicError{value: "x"}, MsgGeneric, slog.LevelError},
		{"anything else", errors.New("dial tcp: connection refused"), MsgGeneric, slog.LevelError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, level := explain(tc.err)
			if part, ok := strings.CutPrefix(tc.want, "~"); ok {
				if !strings.Contains(got, part) {
					t.Errorf("message %q lacks %q", got, part)
				}
			} else if got != tc.want {
				t.Errorf("message %q, want %q", got, tc.want)
			}
			if level != tc.level {
				t.Errorf("level %v, want %v", level, tc.level)
			}
			if MemberMessage(tc.err) != got {
				t.Error("MemberMessage disagrees with explain")
			}
		})
	}
	if NeedsPermission(discordgo.PermissionManageChannels, nil) != nil {
		t.Error("NeedsPermission(nil) is not nil")
	}
}

func TestPermissionNames(t *testing.T) {
	if got := PermissionNames(discordgo.PermissionManageChannels | discordgo.PermissionVoiceMoveMembers); got != "Manage Channels, Move Members" {
		t.Errorf("got %q", got)
	}
	if got := PermissionNames(discordgo.PermissionAdministrator); !strings.Contains(got, "0x8") {
		t.Errorf("unnamed bits render as %q", got)
	}
}

// TestErrorBoundaryAnswersEphemerally runs domain errors through a router:
// the member reads the domain's message, privately.
func TestErrorBoundaryAnswersEphemerally(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Command("host", func(*Context) error {
		return fmt.Errorf("pause run 7: %w", workshop.Errorf(workshop.EFORBIDDEN, "Only a host can pause the workshop."))
	})
	r.Command("dm", func(*Context) error { return restErr(403, 50007) })
	resp := onlyReply(t, dispatch(r, commandInteraction("host")))
	if resp.Data.Content != "Only a host can pause the workshop." || resp.Data.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("forbidden answered %q flags %d", resp.Data.Content, resp.Data.Flags)
	}
	if resp := onlyReply(t, dispatch(r, commandInteraction("dm"))); !strings.HasPrefix(resp.Data.Content, "I cannot send you a direct message") {
		t.Errorf("50007 answered %q", resp.Data.Content)
	}
}
