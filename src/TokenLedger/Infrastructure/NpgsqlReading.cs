using NodaTime;
using Npgsql;

namespace TokenLedger.Infrastructure;

public static class NpgsqlReading
{
    /// <summary>A <c>timestamptz</c> column as the instant it names.</summary>
    public static Instant GetInstant(this NpgsqlDataReader reader, int column) =>
        Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(column));
}
