using System.Text.Json;
using Microsoft.AspNetCore.Http;
using NodaTime;
using TokenLedger.Compat.MeterMappings;
using TokenLedger.Contracts.Usage;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Compat;

/// <summary>The usage channels of the compatible routes (dead letters and metrics tell them apart from native HTTP).</summary>
public static class CompatChannels
{
    public const string OpenMeter = "openmeter";
    public const string Lago = "lago";
}

/// <summary>
/// One foreign event after its envelope was read: the event to map, or the reasons its envelope was refused; with its own
/// id and the scope of that id (a CloudEvent source, a Lago subscription), for the answer.
/// </summary>
public sealed record CompatEvent(int? Index, MeteredEvent? Event, IReadOnlyList<UsageFieldError> EnvelopeErrors, JsonElement Element, string? ForeignId, string? Scope)
{
    /// <summary>The event's text, for the dead letter of a refused one; read only while the request's document is alive.</summary>
    public string RawText => CompatIngest.RawText(Element);
}

/// <summary>
/// What the OpenMeter and Lago routes share: reading the body, mapping each event through the meter mappings in force
/// into the ledger's own usage item (validated by the native rules), and committing through the native HTTP ingest
/// path (<see cref="PostUsageEndpoint.CommitAsync"/>): one ingest, one dedupe, one dead-letter log.
/// </summary>
public static class CompatIngest
{
    public const int MaxJsonDepth = 16;
    private const int MaxRawTextChars = 64 * 1024;

    /// <summary>The body as a JSON document, or the reason it is not one (too large, not JSON).</summary>
    public static async Task<(JsonDocument? Document, string? Problem)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        var body = await PostUsageEndpoint.ReadBodyAsync(request, ct);
        if (body is null) return (null, $"the body exceeds {UsageMessage.MaxBodyBytes} bytes");
        try
        {
            return (JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxJsonDepth }), null);
        }
        catch (JsonException e)
        {
            return (null, $"the body is not valid JSON: {e.Message}");
        }
    }

    public static string RawText(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= MaxRawTextChars ? text : text[..MaxRawTextChars];
    }

    /// <summary>Maps and validates each event; an event whose envelope was refused keeps its reasons.</summary>
    public static IReadOnlyList<UsageItem> ToItems(IReadOnlyList<CompatEvent> events, IReadOnlyDictionary<string, MeterMappingContent> mappings, Instant now) =>
        events.Select(e => ToItem(e, mappings, now)).ToList();

    private static UsageItem ToItem(CompatEvent compat, IReadOnlyDictionary<string, MeterMappingContent> mappings, Instant now)
    {
        if (compat.Event is not { } metered) return new UsageItem(compat.Index, null, null, compat.EnvelopeErrors, compat.RawText);
        UsageItemDraft draft;
        try
        {
            draft = metered.ToDraft(mappings.GetValueOrDefault(metered.Type), now);
        }
        catch (InvalidOperationException)
        {
            // A property name with an unpaired surrogate escape cannot even be compared.
            return new UsageItem(compat.Index, metered.EventId, null, [new(metered.PropertiesName, $"{metered.PropertiesName} contains a property name that is not valid Unicode text")], compat.RawText);
        }
        var validation = UsageItemDraft.Validator.Shared.Validate(draft, now);
        if (draft.TypeErrors.Count == 0 && validation.IsValid) return new UsageItem(compat.Index, draft.EventId, draft.ToRecord(), [], "");
        var errors = draft.TypeErrors.Concat(validation.Errors.Select(f => new UsageFieldError(f.PropertyName, f.ErrorMessage))).ToList();
        return new UsageItem(compat.Index, draft.EventId, null, errors, compat.RawText);
    }

    /// <summary>A required string member of an envelope: its value, or null with the reason added.</summary>
    /// <summary>
    /// Reads one event with <paramref name="readEnvelope"/>; a property name with an unpaired surrogate escape cannot even
    /// be compared, so such an event is refused whole instead of throwing.
    /// </summary>
    public static CompatEvent ReadGuarded(JsonElement element, int? index, Func<JsonElement, int?, CompatEvent> readEnvelope)
    {
        try
        {
            return readEnvelope(element, index);
        }
        catch (InvalidOperationException)
        {
            return new CompatEvent(index, null, [new("event", "the event contains a property name that is not valid Unicode text")], element, null, null);
        }
    }

    public static string? RequiredText(JsonElement envelope, string name, List<UsageFieldError> errors)
    {
        var value = OptionalText(envelope, name, errors);
        if (value is { Length: > 0 }) return value;
        if (!errors.Any(e => e.Field == name)) errors.Add(new(name, $"{name} is required"));
        return null;
    }

    public static string? OptionalText(JsonElement envelope, string name, List<UsageFieldError> errors)
    {
        if (!envelope.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new(name, $"{name} must be a string, not {UsageItemDraft.Describe(value)}"));
            return null;
        }
        try
        {
            var text = value.GetString()!;
            if (text.Length <= UsageContract.MaxIdentifierLength * 4) return text;
            errors.Add(new(name, $"{name} must be at most {UsageContract.MaxIdentifierLength * 4} characters"));
            return null;
        }
        catch (InvalidOperationException)
        {
            errors.Add(new(name, $"{name} is not valid Unicode text"));
            return null;
        }
    }
}
