// Placeholder replaced by the benchmark of issue 6.
console.log('bench: not yet');
