using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TokenLedger.Invoicing.Rendering;

// Invoice PDF sample and timing; no servers.
//   --render-sample <dir>   writes <dir>/invoice-sample.pdf (and invoice-credit-note-sample.pdf)
//   --bench <n>             renders n invoices of one and of two pages on one thread; prints KB and ms per invoice
//   --font <path>           font file (default: InvoiceFonts.DefaultPath)
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var font = Option("--font") ?? InvoiceFonts.DefaultPath;
var loading = Stopwatch.StartNew();
using var renderer = new InvoicePdfRenderer(font);
var loaded = loading.Elapsed;

if (Option("--render-sample") is { } dir)
{
    Directory.CreateDirectory(dir);
    Write(Path.Combine(dir, "invoice-sample.pdf"), renderer.Render(SampleInvoices.Invoice()));
    Write(Path.Combine(dir, "invoice-credit-note-sample.pdf"), renderer.Render(SampleInvoices.CreditNote()));
}

if (Option("--bench") is { } count)
{
    var n = int.Parse(count, CultureInfo.InvariantCulture);
    Console.WriteLine($"font: loaded in {loaded.TotalMilliseconds:F0} ms (once per renderer)");
    foreach (var (name, doc) in new[] { ("1 page", SampleInvoices.Invoice(4)), ("2 pages", SampleInvoices.Invoice(8)) })
    {
        for (var i = 0; i < 20; i++) renderer.Render(doc); // warm-up
        var pdf = Array.Empty<byte>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) pdf = renderer.Render(doc with { Number = $"TL-2026-{i:D6}" });
        var elapsed = clock.Elapsed;
        var pages = Regex.Count(Encoding.Latin1.GetString(pdf), @"/Type /Page\b(?!s)");
        Console.WriteLine($"{name}: {doc.Lines.Count} lines, {pages} page(s), {pdf.Length / 1024.0:F1} KB, {n:N0} invoices in {elapsed.TotalSeconds:F2} s " +
                          $"= {elapsed.TotalMilliseconds / n:F2} ms/invoice (one thread)");
    }
}

return 0;

static void Write(string path, byte[] pdf)
{
    File.WriteAllBytes(path, pdf);
    Console.WriteLine($"wrote {path} ({pdf.Length / 1024.0:F1} KB)");
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
