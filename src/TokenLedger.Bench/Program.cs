Console.WriteLine("TokenLedger benchmark: not written yet");
