"""WebhookSubscriptions from stack config, as a Python user declares them with pulumi_calendly.

    language-subscriptions:subscriptions  [{name, url, events, scope?, explicitKey?, marked?}]
    language-subscriptions:signingKeys    secret object, name -> signing key, for those declared
                                          with explicitKey (the provider generates the others')
    calendly:token / calendly:apiUrl      as in any stack

A subscription declared with `marked` gets its URL from the provider's markedUrl function, so a
change of its events creates the new subscription before the old one is deleted.
"""

import pulumi
import pulumi_calendly as calendly

config = pulumi.Config()
declared = config.require_object("subscriptions")
declared_keys = config.get_secret_object("signingKeys")

uris = {}
states = {}
signing_keys = {}
for d in declared:
    name = d["name"]
    scope = calendly.Scope(d.get("scope", "user"))
    url = d["url"]
    if d.get("marked"):
        url = calendly.marked_url_output(url=url, name=name, events=d["events"], scope=scope).url
    signing_key = None
    if d.get("explicitKey"):
        signing_key = declared_keys.apply(lambda keys, name=name: keys[name])
    subscription = calendly.WebhookSubscription(
        name,
        calendly.WebhookSubscriptionArgs(
            url=url,
            events=d["events"],
            scope=scope,
            signing_key=signing_key,
        ),
    )
    uris[name] = subscription.uri
    states[name] = subscription.state
    signing_keys[name] = subscription.signing_key

pulumi.export("uris", uris)
pulumi.export("states", states)
pulumi.export("signingKeys", pulumi.Output.secret(signing_keys))
