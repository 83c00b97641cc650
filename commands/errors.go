package commands

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
	"github.com/roundtable-bot/roundtable/workshop"
)

// ErrUnknownCommand means no handler knows the command or subcommand: the
// definitions Discord holds are newer or older than this bot's handlers.
var ErrUnknownCommand = errors.New("unknown command")

// ErrStale means a component or modal's custom_id cannot be routed: it does
// not decode, or no handler knows its kind (a button from an older version
// of the bot, or from something that has ended).
var ErrStale = errors.New("stale or unknown custom_id")

// The words members see when the error itself has none to offer.
const (
	MsgStale = "This button belongs to something that has ended or that this bot no longer knows. " +
		"Run the command again to get a fresh one."
	MsgUnknownCommand = "I do not know this command any more: it may have been renamed or removed. " +
		"Type / to see the current ones, or run /roundtable for help."
	MsgGeneric     = "Something went wrong on our side. Please try again in a moment."
	MsgUnavailable = "The database is restarting; please try again in a moment. Nothing you sent was lost."
	MsgTimeout     = "That took too long and was stopped. Please try again in a moment."
	MsgDiscordDown = "Discord is having trouble right now; please try again in a moment."
	MsgUnreadable  = "I could not read that form (it may contain a field this bot does not understand). " +
		"Please open it again and resend."
)

// permissionHint names the Discord permission an action needed, so a 50013
// can tell the member which one to ask for.
type permissionHint struct {
	perm int64
	err  error
}

func (e *permissionHint) Error() string { return e.err.Error() }
func (e *permissionHint) Unwrap() error { return e.err }

// NeedsPermission annotates err, returned by a Discord call that needs perm,
// so that if Discord refused it for a missing permission (50013) the member
// is told which permission to ask an admin for. nil stays nil.
func NeedsPermission(perm int64, err error) error {
	if err == nil {
		return nil
	}
	return &permissionHint{perm: perm, err: err}
}

// permissionNames are the names Discord's client shows, for the
// permissions Roundtable uses.
var permissionNames = []struct {
	bit  int64
	name string
}{
	{discordgo.PermissionViewChannel, "View Channel"},
	{discordgo.PermissionSendMessages, "Send Messages"},
	{discordgo.PermissionSendMessagesInThreads, "Send Messages in Threads"},
	{discordgo.PermissionEmbedLinks, "Embed Links"},
	{discordgo.PermissionAttachFiles, "Attach Files"},
	{discordgo.PermissionReadMessageHistory, "Read Message History"},
	{discordgo.PermissionMentionEveryone, "Mention @everyone, @here, and All Roles"},
	{discordgo.PermissionManageMessages, "Manage Messages"},
	{discordgo.PermissionManageChannels, "Manage Channels"},
	{discordgo.PermissionManageRoles, "Manage Roles"},
	{discordgo.PermissionManageThreads, "Manage Threads"},
	{discordgo.PermissionCreatePublicThreads, "Create Public Threads"},
	{discordgo.PermissionCreatePrivateThreads, "Create Private Threads"},
	{discordgo.PermissionManageEvents, "Manage Events"},
	{discordgo.PermissionVoiceConnect, "Connect"},
	{discordgo.PermissionVoiceMoveMembers, "Move Members"},
}

// PermissionNames spells out a permission bitfield as Discord's client
// names the permissions ("Manage Channels, Move Members").
func PermissionNames(perm int64) string {
	var names []string
	for _, p := range permissionNames {
		if perm&p.bit != 0 {
			names = append(names, p.name)
			perm &^= p.bit
		}
	}
	if perm != 0 {
		names = append(names, fmt.Sprintf("permission bits %#x", perm))
	}
	return strings.Join(names, ", ")
}

// MemberMessage is what a member is told about err: the one place that
// decides which words reach a person. It never reveals internal details.
func MemberMessage(err error) string {
	msg, _ := explain(err)
	return msg
}

// explain returns the member's words for err and how loudly to log it:
// Error for bugs and unknown failures, Warn for outages, Info for outcomes
// that are the member's to fix (invalid input, forbidden, stale buttons).
func explain(err error) (string, slog.Level) {
	if err == nil {
		return "", slog.LevelDebug
	}
	var (
		pe   *panicError
		we   *workshop.Error
		ae   *accountability.Error
		rest *discordgo.RESTError
	)
	switch {
	case errors.As(err, &pe):
		return MsgGeneric, slog.LevelError
	case errors.Is(err, ErrStale):
		return MsgStale, slog.LevelInfo
	case errors.Is(err, ErrUnknownCommand):
		return MsgUnknownCommand, slog.LevelWarn
	case errors.Is(err, errUnreadableModal):
		return MsgUnreadable, slog.LevelWarn
	case errors.As(err, &we):
		return domainMessage(we.Code, we.Message)
	case errors.As(err, &ae):
		return domainMessage(ae.Code, ae.Message)
	case errors.As(err, &rest):
		return restMessage(err, rest)
	case databaseDown(err):
		return MsgUnavailable, slog.LevelWarn
	case errors.Is(err, context.DeadlineExceeded):
		return MsgTimeout, slog.LevelWarn
	}
	return MsgGeneric, slog.LevelError
}

// domainMessage maps a domain error code (the two domains share them).
func domainMessage(code, message string) (string, slog.Level) {
	switch code {
	case workshop.EINTERNAL:
		return MsgGeneric, slog.LevelError
	case workshop.EUNAVAILABLE:
		if message == "" {
			return MsgUnavailable, slog.LevelWarn
		}
		return message, slog.LevelWarn
	case workshop.ENOTIMPLEMENT:
		if message == "" {
			return "That is not available yet.", slog.LevelWarn
		}
		return message, slog.LevelWarn
	}
	if message == "" {
		return MsgGeneric, slog.LevelError
	}
	return message, slog.LevelInfo
}

// databaseDown recognises a database outage that reached the boundary
// untranslated: SQLSTATE class 08 (connection exception) or 57 (the server
// is shutting down or starting), as lib/pq reports them through SQLState,
// or database/sql's bad connection. The store should have made these
// EUNAVAILABLE; this keeps the member's words right if it did not.
func databaseDown(err error) bool {
	var state interface{ SQLState() string }
	if errors.As(err, &state) {
		code := state.SQLState()
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "57")
	}
	return errors.Is(err, driver.ErrBadConn)
}

// restMessage explains a Discord refusal in terms an admin can act on.
func restMessage(err error, rest *discordgo.RESTError) (string, slog.Level) {
	code := 0
	if rest.Message != nil {
		code = rest.Message.Code
	}
	switch code {
	case discordgo.ErrCodeMissingPermissions:
		var hint *permissionHint
		if errors.As(err, &hint) {
			name := PermissionNames(hint.perm)
			return fmt.Sprintf("I am missing a permission in this channel: I need %s for that (ask an admin to give me %s).", name, name), slog.LevelWarn
		}
		return "I am missing a permission in this channel, so I could not do that " +
			"(ask an admin to give my role the permissions Roundtable asks for when it is invited).", slog.LevelWarn
	case discordgo.ErrCodeMissingAccess:
		return "I cannot see or reach that channel (ask an admin to give me View Channel there).", slog.LevelWarn
	case discordgo.ErrCodeUnknownChannel:
		return "That channel no longer exists.", slog.LevelInfo
	case discordgo.ErrCodeUnknownMessage:
		return "That message no longer exists.", slog.LevelInfo
	case discordgo.ErrCodeCannotSendMessagesToThisUser:
		return "I cannot send you a direct message. To get my messages, allow direct messages from " +
			"members of this server (Privacy Settings) and try again.", slog.LevelInfo
	case discordgo.ErrCodeMaximumNumberOfGuildChannelsReached:
		return "This server has reached Discord's limit of 500 channels; delete some and try again.", slog.LevelWarn
	case discordgo.ErrCodeTargetIsNotConnectedToVoice:
		return "That member is not in a voice channel, so I cannot move them.", slog.LevelInfo
	}
	if rest.Response != nil && (rest.Response.StatusCode >= 500 || rest.Response.StatusCode == 429) {
		return MsgDiscordDown, slog.LevelWarn
	}
	return MsgGeneric, slog.LevelError
}

// panicError is a handler's panic, kept with its stack for the log.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("handler panicked: %v", e.value) }

var errUnreadableModal = errors.New("modal submit without readable data")
