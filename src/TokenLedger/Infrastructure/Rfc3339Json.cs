using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using NodaTime.Text;

namespace TokenLedger.Infrastructure;

/// <summary>
/// HTTP JSON options: NodaTime's converters, except that every <see cref="Instant"/> and <see cref="DateTimeOffset"/> in a
/// body is read by <see cref="Rfc3339"/>. A value in another form throws <see cref="Rfc3339JsonException"/>, which the host
/// turns into a 400 naming the field (from the exception's path) and the accepted forms.
/// </summary>
public static class Rfc3339Json
{
    public static JsonSerializerOptions ConfigureForLedger(this JsonSerializerOptions options)
    {
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        for (var i = options.Converters.Count - 1; i >= 0; i--)
            if (options.Converters[i].CanConvert(typeof(Instant)) || options.Converters[i].CanConvert(typeof(DateTimeOffset)))
                options.Converters.RemoveAt(i);
        options.Converters.Insert(0, new InstantConverter());
        options.Converters.Insert(0, new DateTimeOffsetConverter());
        return options;
    }

    private static OffsetDateTime Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String && Rfc3339.TryParse(reader.GetString(), out var value)) return value;
        throw new Rfc3339JsonException();
    }

    private sealed class InstantConverter : JsonConverter<Instant>
    {
        public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Rfc3339Json.Read(ref reader).ToInstant();

        public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
            writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
    }

    private sealed class DateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Rfc3339Json.Read(ref reader).ToDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value);
    }
}

/// <summary>A body instant not in RFC 3339; <see cref="JsonException.Path"/> names the field once the serializer has filled it in.</summary>
public sealed class Rfc3339JsonException() : JsonException(Rfc3339.Forms)
{
    /// <summary>The field of the body ("effectiveFrom", "items[0].at") from a JSON path such as "$.effectiveFrom".</summary>
    public static string Field(string? path) => string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.") ? path[2..] : path.TrimStart('$');
}
