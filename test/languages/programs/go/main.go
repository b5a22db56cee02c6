// WebhookSubscriptions from stack config, as a Go user declares them with the calendly SDK.
//
//	language-subscriptions:subscriptions  [{name, url, events, scope?, explicitKey?, marked?}]
//	language-subscriptions:signingKeys    secret object, name -> signing key, for those declared
//	                                      with explicitKey (the provider generates the others')
//	calendly:token / calendly:apiUrl      as in any stack
//
// A subscription declared with `marked` gets its URL from the provider's markedUrl function, so a
// change of its events creates the new subscription before the old one is deleted.
package main

import (
	"github.com/calendly-webhooks-pulumi/calendly-webhooks-pulumi/sdk/go/calendly"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

type declared struct {
	Name        string   `json:"name"`
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Scope       string   `json:"scope"`
	ExplicitKey bool     `json:"explicitKey"`
	Marked      bool     `json:"marked"`
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		var subscriptions []declared
		cfg.RequireObject("subscriptions", &subscriptions)
		keys := map[string]string{}
		if _, err := cfg.TrySecretObject("signingKeys", &keys); err != nil {
			keys = map[string]string{}
		}

		uris := pulumi.StringMap{}
		states := pulumi.StringMap{}
		signingKeys := pulumi.StringMap{}
		for _, d := range subscriptions {
			scope := calendly.Scope("user")
			if d.Scope != "" {
				scope = calendly.Scope(d.Scope)
			}
			url := pulumi.String(d.URL).ToStringOutput()
			if d.Marked {
				url = calendly.MarkedUrlOutput(ctx, calendly.MarkedUrlOutputArgs{
					Url:    pulumi.String(d.URL),
					Name:   pulumi.String(d.Name),
					Events: pulumi.ToStringArray(d.Events),
					Scope:  scope,
				}).Url()
			}
			args := &calendly.WebhookSubscriptionArgs{
				Url:    url,
				Events: pulumi.ToStringArray(d.Events),
				Scope:  scope,
			}
			if d.ExplicitKey {
				args.SigningKey = pulumi.ToSecret(pulumi.String(keys[d.Name])).(pulumi.StringOutput)
			}
			subscription, err := calendly.NewWebhookSubscription(ctx, d.Name, args)
			if err != nil {
				return err
			}
			uris[d.Name] = subscription.Uri
			states[d.Name] = subscription.State
			signingKeys[d.Name] = subscription.SigningKey
		}
		ctx.Export("uris", uris)
		ctx.Export("states", states)
		ctx.Export("signingKeys", pulumi.ToSecret(signingKeys))
		return nil
	})
}
