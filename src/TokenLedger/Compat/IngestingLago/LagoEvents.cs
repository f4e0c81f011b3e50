using System.Globalization;
using System.Text.Json;
using NodaTime;
using TokenLedger.Compat.MeterMappings;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Compat.IngestingLago;

/// <summary>
/// Reads one Lago event: <c>transaction_id</c> (the idempotency key), <c>external_customer_id</c> and/or
/// <c>external_subscription_id</c> (the subject: the customer when given, else the subscription), <c>code</c> (selects
/// the meter mapping), <c>timestamp</c> (Unix seconds as a number or a string, decimals allowed, or RFC 3339; absent,
/// the time it was received) and <c>properties</c>. The ledger eventId is <c>lago:{len}:{subscription or customer}:{transaction_id}</c>:
/// Lago keeps a transaction_id unique per subscription.
/// </summary>
public static class LagoEvents
{
    public const string EventIdPrefix = "lago";

    public static CompatEvent Read(JsonElement element, int? index) => CompatIngest.ReadGuarded(element, index, ReadEnvelope);

    private static CompatEvent ReadEnvelope(JsonElement element, int? index)
    {
        var raw = element;
        if (element.ValueKind != JsonValueKind.Object)
            return new CompatEvent(index, null, [new("event", "an event must be a JSON object")], raw, null, null);

        var errors = new List<UsageFieldError>();
        var transactionId = CompatIngest.RequiredText(element, "transaction_id", errors);
        var code = CompatIngest.RequiredText(element, "code", errors);
        var customer = CompatIngest.OptionalText(element, "external_customer_id", errors);
        var subscription = CompatIngest.OptionalText(element, "external_subscription_id", errors);
        if (customer is null && subscription is null && !errors.Any(e => e.Field.StartsWith("external_", StringComparison.Ordinal)))
            errors.Add(new("external_subscription_id", "external_subscription_id or external_customer_id is required"));
        var occurredAt = Timestamp(element, errors);
        var scope = subscription ?? customer;
        if (errors.Count > 0) return new CompatEvent(index, null, errors, raw, transactionId, scope);

        JsonElement? properties = element.TryGetProperty("properties", out var p) && p.ValueKind != JsonValueKind.Null ? p : null;
        var metered = new MeteredEvent(MeteredEvent.LedgerEventId(EventIdPrefix, scope!, transactionId!), occurredAt, customer ?? subscription,
            code!, properties, "properties");
        return new CompatEvent(index, metered, [], raw, transactionId, scope);
    }

    private static OffsetDateTime? Timestamp(JsonElement element, List<UsageFieldError> errors)
    {
        if (!element.TryGetProperty("timestamp", out var value) || value.ValueKind == JsonValueKind.Null) return null;
        var text = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            // The raw bytes: a digit string or an instant has no escapes, and an unpaired surrogate escape cannot throw here.
            JsonValueKind.String => value.GetRawText()[1..^1],
            _ => null,
        };
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds < 32_503_680_000m)
            return Instant.FromUnixTimeTicks((long)decimal.Round(seconds * NodaConstants.TicksPerSecond)).WithOffset(Offset.Zero);
        if (Infrastructure.Rfc3339.TryParse(text, out var instant)) return instant;
        errors.Add(new("timestamp", "timestamp must be Unix seconds (a number, or a string such as \"1651240791.123\") or " + Infrastructure.Rfc3339.Forms));
        return null;
    }
}
