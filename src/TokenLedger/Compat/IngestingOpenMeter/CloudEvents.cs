using System.Text.Json;
using NodaTime;
using TokenLedger.Compat.MeterMappings;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Compat.IngestingOpenMeter;

/// <summary>
/// Reads one CloudEvent 1.0 in the JSON event format: the required context attributes <c>specversion</c> ("1.0"),
/// <c>id</c>, <c>source</c> and <c>type</c>, the optional <c>subject</c> and <c>time</c> (RFC 3339; absent, the time it
/// was received, as OpenMeter does) and <c>data</c>. The ledger eventId is <c>om:{len}:{source}:{id}</c>.
/// </summary>
public static class CloudEvents
{
    public const string EventIdPrefix = "om";

    public static CompatEvent Read(JsonElement element, int? index) => CompatIngest.ReadGuarded(element, index, ReadEnvelope);

    private static CompatEvent ReadEnvelope(JsonElement element, int? index)
    {
        var raw = element;
        if (element.ValueKind != JsonValueKind.Object)
            return new CompatEvent(index, null, [new("event", "a CloudEvent must be a JSON object")], raw, null, null);

        var errors = new List<UsageFieldError>();
        var specVersion = CompatIngest.RequiredText(element, "specversion", errors);
        if (specVersion is not null && specVersion != "1.0") errors.Add(new("specversion", $"specversion '{specVersion}' is not supported; send 1.0"));
        var id = CompatIngest.RequiredText(element, "id", errors);
        var source = CompatIngest.RequiredText(element, "source", errors);
        var type = CompatIngest.RequiredText(element, "type", errors);
        var subject = CompatIngest.OptionalText(element, "subject", errors);
        var time = CompatIngest.OptionalText(element, "time", errors);
        OffsetDateTime? occurredAt = null;
        if (time is not null)
        {
            if (Infrastructure.Rfc3339.TryParse(time, out var parsed)) occurredAt = parsed;
            else errors.Add(new("time", Infrastructure.Rfc3339.Rule("time")));
        }
        if (errors.Count > 0) return new CompatEvent(index, null, errors, raw, id, source);

        JsonElement? data = element.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null ? d : null;
        var metered = new MeteredEvent(MeteredEvent.LedgerEventId(EventIdPrefix, source!, id!), occurredAt, subject, type!, data, "data");
        return new CompatEvent(index, metered, [], raw, id, source);
    }
}
