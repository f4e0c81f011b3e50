using Marten;

namespace TokenLedger.Infrastructure;

/// <summary>Ids operators choose (tenants, distributors, price books) and how their streams are written.</summary>
public static class LedgerIds
{
    public const string Pattern = @"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z";

    public static string Rule(string field) => $"{field} must be 1–100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static bool IsValid(string id) => System.Text.RegularExpressions.Regex.IsMatch(id, Pattern);

    /// <summary>Starts the stream when the aggregate does not exist yet, otherwise appends to it.</summary>
    public static void StartOrAppend<TAggregate>(this IDocumentSession session, string streamKey, bool exists, params object[] events)
        where TAggregate : class
    {
        if (exists) session.Events.Append(streamKey, events);
        else session.Events.StartStream<TAggregate>(streamKey, events);
    }
}
