using System.Text;
using System.Text.Json;
using NodaTime;
using TokenLedger.Contracts.Usage;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>One item of a usage message after reading and validation: either a record or the reasons it was refused.</summary>
public sealed record UsageItem(int? Index, string? EventId, UsageRecord? Record, IReadOnlyList<UsageFieldError> Errors, string RawText)
{
    public bool IsValid => Record is not null;
    public string Reason => string.Join("; ", Errors.Select(e => e.Message));
}

/// <summary>Reads a usage message body (one object, or an array of up to 1,000) into items, never throwing on bad input.</summary>
public static class UsageMessage
{
    public const int MaxBodyBytes = 2 * 1024 * 1024;
    public const int MaxJsonDepth = 8;
    private const int MaxRawTextChars = 64 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IReadOnlyList<UsageItem> Read(ReadOnlyMemory<byte> body, Instant now) => Read(body, now, UsageItemDraft.Read);

    /// <summary>Reads with another item shape (e.g. provider-native usage) that still yields a <see cref="UsageItemDraft"/>.</summary>
    public static IReadOnlyList<UsageItem> Read(ReadOnlyMemory<byte> body, Instant now, Func<JsonElement, UsageItemDraft> readDraft)
    {
        if (body.Length > MaxBodyBytes)
            return [Whole(body, "message", $"message is {body.Length} bytes; the limit is {MaxBodyBytes}")];
        if (!IsValidUtf8(body.Span))
            return [Whole(body, "message", "message is not valid UTF-8")];

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
        }
        catch (JsonException e)
        {
            return [Whole(body, "message", $"message is not valid JSON: {FirstSentence(e.Message)}")];
        }

        using (document)
        {
            var root = document.RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Object => [ReadItem(root, null, now, readDraft)],
                JsonValueKind.Array when root.GetArrayLength() == 0 => [Whole(body, "message", "message is an empty array")],
                JsonValueKind.Array when root.GetArrayLength() > UsageContract.MaxItemsPerMessage =>
                    [Whole(body, "message", $"message holds {root.GetArrayLength()} items; the limit is {UsageContract.MaxItemsPerMessage}")],
                JsonValueKind.Array => root.EnumerateArray().Select((item, i) => ReadItem(item, i, now, readDraft)).ToList(),
                _ => [Whole(body, "message", "message must be a usage event object or an array of them")],
            };
        }
    }

    private static UsageItem ReadItem(JsonElement item, int? index, Instant now, Func<JsonElement, UsageItemDraft> readDraft)
    {
        if (item.ValueKind != JsonValueKind.Object)
            return new UsageItem(index, null, null, [new("item", "item must be a JSON object")], RawText(item));

        UsageItemDraft draft;
        try
        {
            draft = readDraft(item);
        }
        catch (InvalidOperationException)
        {
            // A property name with an unpaired surrogate escape cannot even be compared.
            return new UsageItem(index, null, null, [new("item", "item contains a property name that is not valid Unicode text")], RawText(item));
        }
        var validation = UsageItemDraft.Validator.Shared.Validate(draft, now);
        if (draft.TypeErrors.Count == 0 && validation.IsValid) return new UsageItem(index, draft.EventId, draft.ToRecord(), [], "");

        var errors = draft.TypeErrors.Concat(validation.Errors.Select(f => new UsageFieldError(f.PropertyName, f.ErrorMessage))).ToList();
        return new UsageItem(index, draft.EventId, null, errors, RawText(item));
    }

    /// <summary>Only refused items keep their text (for the dead letter); accepted ones are carried by their record.</summary>
    private static string RawText(JsonElement item) => Truncate(item.GetRawText());

    public static UsageItem Refuse(ReadOnlyMemory<byte> body, string message) => Whole(body, "message", message);

    private static UsageItem Whole(ReadOnlyMemory<byte> body, string field, string message) =>
        new(null, null, null, [new(field, message)], Truncate(Encoding.UTF8.GetString(body.Span[..Math.Min(body.Length, MaxRawTextChars)])));

    private static bool IsValidUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            StrictUtf8.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string Truncate(string text) => text.Length <= MaxRawTextChars ? text : text[..MaxRawTextChars];

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut < 0 ? message : message[..(cut + 1)];
    }
}
