/* The first view (the page as the server rendered it, see barometer/web/first_view.py) stays
   where it is until the app has drawn the same view: React renders into the mount point, hidden
   and out of the flow, and the static page gives way once the app's chart (or, without a chart,
   its main content) is there. The numbers never leave their place, and nothing flashes. */
(function () {
    var first = document.getElementById("first-view");
    var mount = document.getElementById("react-entry-point");
    if (!first || !mount) { return; }
    mount.parentNode.insertBefore(first, mount);
    mount.classList.add("taking-over");
    var waitsForChart = first.querySelector(".first-chart") !== null;

    function ready() {
        if (!mount.querySelector("main, .embed")) { return false; }
        return !waitsForChart || mount.querySelector(".js-plotly-plot .main-svg") !== null;
    }

    function handOver() {
        observer.disconnect();
        window.clearTimeout(timer);
        var scroll = window.scrollY;
        mount.classList.remove("taking-over");
        first.remove();
        window.scrollTo(0, scroll);
    }

    var observer = new MutationObserver(function () {
        if (ready()) { window.requestAnimationFrame(handOver); }
    });
    observer.observe(mount, {childList: true, subtree: true});
    var timer = window.setTimeout(handOver, 15000);  // never keep a static page for good
})();
