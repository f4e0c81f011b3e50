namespace TokenLedger.Bench.Workloads;

/// <summary>One AMQP message body and the number of usage items in it.</summary>
public sealed record BenchMessage(byte[] Body, int Items);

/// <summary>
/// A fixed end-to-end workload, generated before the clock starts: <c>items</c> usage items of which a fraction are
/// exact re-sends of earlier events (same eventId, same bytes) and a fraction are invalid (negative tokens, missing
/// eventId, malformed JSON), packed one per message or in arrays. Malformed JSON always travels in a message of its own,
/// since it would take a whole array down with it.
/// </summary>
public sealed class Workload
{
    private enum Kind : byte { New, Duplicate, Invalid }

    public required string Label { get; init; }
    public required string RunTag { get; init; }
    public required int EventsPerMessage { get; init; }
    public required IReadOnlyList<BenchMessage> Messages { get; init; }
    public required IReadOnlyList<UsageSample> UniqueEvents { get; init; }
    public required ExpectedTotals Expected { get; init; }
    public required int Items { get; init; }
    public required int Duplicates { get; init; }
    public required int Invalid { get; init; }

    public long Bytes => Messages.Sum(m => (long)m.Body.Length);

    public static Workload Build(string label, string runTag, int eventsPerMessage, BenchOptions options, DateTimeOffset now)
    {
        var generator = new UsageGenerator(runTag, options.Tenants, options.ZipfExponent, options.Seed);
        var kinds = Kinds(options.Events, options.DuplicateFraction, options.InvalidFraction, generator.Random);
        var expected = new ExpectedTotals();
        var unique = new List<GeneratedEvent>(options.Events);
        var messages = new List<BenchMessage>();
        var pending = new List<byte[]>(eventsPerMessage);
        var invalid = 0;

        foreach (var kind in kinds)
        {
            byte[] item;
            var alone = false;
            switch (kind)
            {
                case Kind.New:
                    var e = generator.NextInLastHour(now);
                    unique.Add(e);
                    expected.Add(e.Sample);
                    item = e.Json;
                    break;
                case Kind.Duplicate:
                    item = unique[generator.Random.Next(unique.Count)].Json;
                    break;
                default:
                    (item, alone) = generator.NextInvalid(invalid++, now);
                    break;
            }

            if (eventsPerMessage == 1 || alone)
            {
                messages.Add(new BenchMessage(item, 1));
                continue;
            }
            pending.Add(item);
            if (pending.Count == eventsPerMessage) messages.Add(ArrayMessage(pending));
        }
        if (pending.Count > 0) messages.Add(ArrayMessage(pending));

        return new Workload
        {
            Label = label,
            RunTag = runTag,
            EventsPerMessage = eventsPerMessage,
            Messages = messages,
            UniqueEvents = unique.Select(u => u.Sample).ToList(),
            Expected = expected,
            Items = kinds.Length,
            Duplicates = kinds.Count(k => k == Kind.Duplicate),
            Invalid = invalid,
        };
    }

    /// <summary>Exact counts of each kind in random order; the first item is always new, so a duplicate has an original.</summary>
    private static Kind[] Kinds(int items, double duplicateFraction, double invalidFraction, Random random)
    {
        var kinds = new Kind[items];
        var duplicates = (int)Math.Round(items * duplicateFraction);
        var invalid = (int)Math.Round(items * invalidFraction);
        for (var i = 0; i < duplicates && i < items; i++) kinds[i] = Kind.Duplicate;
        for (var i = duplicates; i < duplicates + invalid && i < items; i++) kinds[i] = Kind.Invalid;
        random.Shuffle(kinds);
        var firstNew = Array.IndexOf(kinds, Kind.New);
        if (firstNew > 0) (kinds[0], kinds[firstNew]) = (kinds[firstNew], kinds[0]);
        return kinds;
    }

    private static BenchMessage ArrayMessage(List<byte[]> items)
    {
        var message = new BenchMessage(JsonArray.Of(items), items.Count);
        items.Clear();
        return message;
    }
}
