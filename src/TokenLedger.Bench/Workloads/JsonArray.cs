namespace TokenLedger.Bench.Workloads;

public static class JsonArray
{
    /// <summary>Joins JSON values into one JSON array body: [a,b,c].</summary>
    public static byte[] Of(IReadOnlyList<byte[]> items)
    {
        var body = new byte[items.Sum(i => i.Length) + Math.Max(items.Count - 1, 0) + 2];
        var at = 0;
        body[at++] = (byte)'[';
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) body[at++] = (byte)',';
            items[i].CopyTo(body, at);
            at += items[i].Length;
        }
        body[at] = (byte)']';
        return body;
    }
}
