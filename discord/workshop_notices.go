package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/workshop"
)

// TellHost posts text in the run's main channel, mentioning the host and
// no one else, once per run and text: the ledger remembers it, so the
// timer retries of a step that keeps failing, and restarts, do not repeat
// it. A step that a timer starts has no member waiting for an answer, so
// this is how a host hears that it is stuck (e.g. a missing permission).
func (w *WorkshopEffector) TellHost(ctx context.Context, r *workshop.Run, text string) error {
	sum := sha256.Sum256([]byte(text))
	key := "notice:" + hex.EncodeToString(sum[:8])
	msg := &discordgo.MessageSend{
		Content:         "⚠️ <@" + r.HostID + "> " + text,
		AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{r.HostID}},
	}
	_, err := w.postOnce(ctx, r.ID, key, r.MainChannelID, msg)
	return err
}
