package discord

import (
	"context"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/roundtable-bot/roundtable/accountability"
)

// maxCachedDMs bounds the DM channel cache: enough for every member a
// large community reminds, small enough (about a megabyte) not to matter.
const maxCachedDMs = 20000

// dmChannels remembers the bot's DM channel with each member, so a daily
// reminder is one request (the post) instead of two (open the DM, post):
// the reminder sweep is the notifier's biggest burst. A DM channel's ID
// never changes, so entries need no expiry; when full, an arbitrary entry
// makes room.
type dmChannels struct {
	mu  sync.Mutex
	ids map[string]string // user ID -> DM channel ID
}

func (c *dmChannels) get(userID string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.ids[userID]
	return id, ok
}

func (c *dmChannels) put(userID, channelID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[string]string{}
	}
	if _, ok := c.ids[userID]; !ok && len(c.ids) >= maxCachedDMs {
		for k := range c.ids {
			delete(c.ids, k)
			break
		}
	}
	c.ids[userID] = channelID
}

func (c *dmChannels) forget(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.ids, userID)
}

// sendDM posts text in the bot's DM channel with userID, pinging nobody.
// A cached channel Discord no longer knows is forgotten and opened anew.
func (n *AccountabilityNotifier) sendDM(ctx context.Context, userID, text string) error {
	msg := &discordgo.MessageSend{Content: text, AllowedMentions: onlyUsers()}
	if id, ok := n.dms.get(userID); ok {
		_, err := n.send(ctx, id, msg, "send a direct message", "Send Messages")
		if accountability.ErrorCode(err) != accountability.ENOTFOUND {
			return err
		}
		n.dms.forget(userID)
	}
	var dm *discordgo.Channel
	err := n.call(ctx, "open a direct message", "Send Messages", func(opt discordgo.RequestOption) error {
		var err error
		dm, err = n.s.UserChannelCreate(userID, opt)
		return err
	})
	if err != nil {
		return err
	}
	n.dms.put(userID, dm.ID)
	_, err = n.send(ctx, dm.ID, msg, "send a direct message", "Send Messages")
	return err
}
