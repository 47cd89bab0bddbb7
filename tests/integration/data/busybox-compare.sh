# Run with busybox sh on our kernel and on the Linux peer; test_busybox.py
# compares the two outputs line by line. Everything it looks at is made
# here, under /tmp/bbcmp, so both sides see identical files. Lines the
# systems may legitimately print differently are normalised by the test
# (its NORMALISE table says which and why), not here.
B=/tmp/bbcmp
rm -rf $B
mkdir -p $B/dir/sub
cd $B || exit 1
# ls -l shows owner names: give the peer's bare initramfs the same two
# lines our image has, so both print "root".
mkdir -p /etc
[ -e /etc/passwd ] || echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
[ -e /etc/group ] || echo 'root:x:0:' > /etc/group
printf 'banana\napple\ncherry\napple\n' > fruits
printf 'one two three\nfour five\n' > words
echo "== cat"
cat fruits words
echo "== sh pipes"
cat fruits | sort | uniq -c | sort -rn
sh -c 'echo abc | tr a-c x-z > piped; cat piped'
echo "== redirection"
echo hello > out
echo again >> out
cat < out
sh -c 'echo to-stderr 1>&2' 2> errf
cat errf
ls nosuchfile 2>/dev/null || echo "ls status $?"
echo "== wc"
wc -l fruits
wc words
wc -c < words
echo "== sort"
sort fruits
sort -r fruits
sort -u fruits
echo "== grep"
grep -n apple fruits
grep -c an fruits
grep -v apple fruits
grep -q zzz fruits
echo "grep status $?"
echo "== sed"
sed 's/a/A/g' fruits
sed -n '2p' fruits
sed '/apple/d' fruits
echo "== cp mv rm mkdir"
cp fruits dir/f2
mv dir/f2 dir/sub/f3
ls dir/sub
busybox cmp fruits dir/sub/f3 && echo same
rm dir/sub/f3
ls dir/sub | wc -l
mkdir dir/sub 2>/dev/null || echo "mkdir status $?"
mkdir -p dir/a/b/c && echo made
rm -r dir/a && echo removed
echo "== find"
find . -name 'f*' | sort
find . -type d | sort
echo "== ls -l"
ln -s fruits link
chmod 640 fruits
chmod 755 words
touch -d '2024-01-02 03:04:05' fruits words
ls -l fruits words
ls -l link | cut -c1-10
readlink link
ls -a dir
echo "== date"
date -u -d @86400 '+%Y-%m-%d %H:%M:%S %a'
date -u '+%Y'
echo "== sleep kill"
sleep 1 && echo slept
sleep 5 &
pid=$!
kill $pid
# Whether sh reports "Terminated" depends on whether it reaped the job
# before `wait` ran, a race on Linux as much as here: keep that off the
# compared output.
wait $pid 2>/dev/null
echo "kill status $?"
sh -c 'kill -TERM $$; echo not reached'
echo "self-kill status $?"
echo "== ps"
sleep 7 &
pid=$!
sleep 1 # let the child exec sleep before ps looks (it is still sh until then)
ps | grep -c '[s]leep 7'
kill $pid
echo "== df"
df /proc | head -n 1
df /proc | wc -l
echo "== mount"
mount | grep ' /proc ' | cut -d' ' -f2-5
cd /
rm -rf $B
