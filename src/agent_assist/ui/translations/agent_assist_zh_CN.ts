<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlertCard</name>
    <message>
        <source>Copy script</source>
        <translation>复制话术</translation>
    </message>
    <message>
        <source>Copy the advised script: {title}</source>
        <translation>复制建议话术：{title}</translation>
    </message>
    <message>
        <source>Dismiss the alert</source>
        <translation>关闭提醒</translation>
    </message>
    <message>
        <source>Say: {advice}</source>
        <translation>建议：{advice}</translation>
    </message>
</context>
<context>
    <name>AudioBar</name>
    <message>
        <source>This PC: microphone + softphone</source>
        <translation>本机：麦克风 + 软电话</translation>
    </message>
    <message>
        <source>Network stream from the phone system</source>
        <translation>话务系统网络音频流</translation>
    </message>
    <message>
        <source>Audio source</source>
        <translation>音源</translation>
    </message>
    <message>
        <source>Microphone (agent side)</source>
        <translation>麦克风（坐席侧）</translation>
    </message>
    <message>
        <source>Softphone output (customer side)</source>
        <translation>软电话输出（客户侧）</translation>
    </message>
    <message>
        <source>Swap sides</source>
        <translation>左右互换</translation>
    </message>
    <message>
        <source>Swap the agent and customer sides</source>
        <translation>互换坐席和客户两侧</translation>
    </message>
    <message>
        <source>Use when the customer shows up as the agent (a stereo file or a headset)</source>
        <translation>客户的话显示成坐席时使用（立体声文件或耳麦）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>List the audio devices again</source>
        <translation>重新列出音频设备</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>音源</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
</context>
<context>
    <name>CallSummaryView</name>
    <message>
        <source>Disposition</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Call summary</source>
        <translation>通话小结</translation>
    </message>
    <message>
        <source>Call summary, one point per line</source>
        <translation>通话小结，每行一条</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save the summary</source>
        <translation>保存小结</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Export the call record</source>
        <translation>导出通话记录</translation>
    </message>
    <message>
        <source>Call summary · {topic} · QA score {score}</source>
        <translation>通话小结 · {topic} · 质检分 {score}</translation>
    </message>
    <message>
        <source>Export the call</source>
        <translation>导出通话记录</translation>
    </message>
</context>
<context>
    <name>ChecklistView</name>
    <message>
        <source>Required steps</source>
        <translation>必要步骤</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步骤</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>知识</translation>
    </message>
    <message>
        <source>Script</source>
        <translation>话术</translation>
    </message>
    <message>
        <source>Early repayment</source>
        <translation>提前还款</translation>
    </message>
    <message>
        <source>Repayment not credited</source>
        <translation>还款未入账</translation>
    </message>
    <message>
        <source>Overdue fees</source>
        <translation>逾期费用</translation>
    </message>
    <message>
        <source>Credit report</source>
        <translation>征信</translation>
    </message>
    <message>
        <source>Credit limit</source>
        <translation>额度</translation>
    </message>
    <message>
        <source>Interest rate</source>
        <translation>利率</translation>
    </message>
    <message>
        <source>Instalments</source>
        <translation>分期</translation>
    </message>
    <message>
        <source>Bill</source>
        <translation>账单</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Account security</source>
        <translation>账户安全</translation>
    </message>
    <message>
        <source>Fraud</source>
        <translation>防诈骗</translation>
    </message>
    <message>
        <source>Hardship</source>
        <translation>还款困难</translation>
    </message>
    <message>
        <source>Account closure</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>Complaint</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Identity check</source>
        <translation>身份核实</translation>
    </message>
    <message>
        <source>Promotions</source>
        <translation>优惠活动</translation>
    </message>
    <message>
        <source>Loan application</source>
        <translation>借款申请</translation>
    </message>
    <message>
        <source>Contact details</source>
        <translation>信息变更</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Compliance</source>
        <translation>合规</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>隐私</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <source>Emotion</source>
        <translation>情绪</translation>
    </message>
    <message>
        <source>Collections</source>
        <translation>催收</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>已解答</translation>
    </message>
    <message>
        <source>Promised to pay</source>
        <translation>承诺还款</translation>
    </message>
    <message>
        <source>No promise to pay</source>
        <translation>未承诺还款</translation>
    </message>
    <message>
        <source>Escalated to risk</source>
        <translation>转风险处理</translation>
    </message>
    <message>
        <source>Unresolved</source>
        <translation>未解决</translation>
    </message>
    <message>
        <source>Call back</source>
        <translation>需回电</translation>
    </message>
    <message>
        <source>Amounts</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Dates</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Rates</source>
        <translation>利率</translation>
    </message>
</context>
<context>
    <name>LoadProgress</name>
    <message>
        <source>Checking script pack</source>
        <translation>正在检查知识包</translation>
    </message>
    <message>
        <source>Loading embedding model</source>
        <translation>正在加载语义模型</translation>
    </message>
    <message>
        <source>Building index</source>
        <translation>正在建立索引</translation>
    </message>
    <message>
        <source>Loading index</source>
        <translation>正在加载索引</translation>
    </message>
    <message>
        <source>Preparing guidance rules</source>
        <translation>正在准备提醒规则</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Agent Assist</source>
        <translation>坐席助手</translation>
    </message>
    <message>
        <source>Search the knowledge base: type a question, Enter  Ctrl+F</source>
        <translation>搜索知识库：输入客户的问题后回车  Ctrl+F</translation>
    </message>
    <message>
        <source>Search the knowledge base</source>
        <translation>搜索知识库</translation>
    </message>
    <message>
        <source>Suggestions</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>通话转写</translation>
    </message>
    <message>
        <source>Take call</source>
        <translation>接入通话</translation>
    </message>
    <message>
        <source>Take a live call</source>
        <translation>接入实时通话</translation>
    </message>
    <message>
        <source>Listen to the microphone and the softphone (or the network stream)</source>
        <translation>收听麦克风和软电话（或网络音频流）</translation>
    </message>
    <message>
        <source>Replay…</source>
        <translation>回放…</translation>
    </message>
    <message>
        <source>Replay a call file</source>
        <translation>回放通话文件</translation>
    </message>
    <message>
        <source>Replay a call script (.yaml) or recording (.wav)</source>
        <translation>回放通话脚本（.yaml）或录音（.wav）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the call</source>
        <translation>结束通话</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <source>Choose the audio source and devices</source>
        <translation>选择音源和设备</translation>
    </message>
    <message>
        <source>Audio source, devices and channel swap</source>
        <translation>音源、设备和声道互换</translation>
    </message>
    <message>
        <source>On top</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Keep the panel on top</source>
        <translation>窗口置顶</translation>
    </message>
    <message>
        <source>Keep the panel above other windows</source>
        <translation>让面板保持在其他窗口之上</translation>
    </message>
    <message>
        <source>Dock</source>
        <translation>贴边</translation>
    </message>
    <message>
        <source>Dock to the screen edge</source>
        <translation>贴到屏幕边缘</translation>
    </message>
    <message>
        <source>Dock the panel to the nearer screen edge</source>
        <translation>把面板贴到最近的屏幕边缘</translation>
    </message>
    <message>
        <source>Audio warning</source>
        <translation>音频提示</translation>
    </message>
    <message>
        <source>Reconnect</source>
        <translation>重新连接</translation>
    </message>
    <message>
        <source>Reconnect the audio</source>
        <translation>重新连接音频</translation>
    </message>
    <message>
        <source>{side} level</source>
        <translation>{side}音量</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>In call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation>无法启动</translation>
    </message>
    <message>
        <source>Pack {pack} v{version} · model {model}</source>
        <translation>知识包 {pack} v{version} · 模型 {model}</translation>
    </message>
    <message>
        <source>speech→cards {total} ms (embed {embed} ms · search {search} ms)</source>
        <translation>转写→卡片 {total} ms（向量 {embed} ms · 检索 {search} ms）</translation>
    </message>
    <message>
        <source>Replay a call</source>
        <translation>回放通话</translation>
    </message>
    <message>
        <source>Call script or recording (*.yaml *.yml *.wav *.flac)</source>
        <translation>通话脚本或录音 (*.yaml *.yml *.wav *.flac)</translation>
    </message>
</context>
<context>
    <name>SuggestionCard</name>
    <message>
        <source>Suggestion {rank}: {title}</source>
        <translation>建议 {rank}：{title}</translation>
    </message>
    <message>
        <source>match {score}</source>
        <translation>匹配度 {score}</translation>
    </message>
    <message>
        <source>Closest phrasing: {text}</source>
        <translation>最接近的问法：{text}</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy suggestion {rank}</source>
        <translation>复制建议 {rank}</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>展开全文</translation>
    </message>
    <message>
        <source>Show the full text of suggestion {rank}</source>
        <translation>展开建议 {rank} 的全文</translation>
    </message>
    <message>
        <source>Helpful</source>
        <translation>有用</translation>
    </message>
    <message>
        <source>This suggestion helped</source>
        <translation>这条建议有用</translation>
    </message>
    <message>
        <source>Not helpful</source>
        <translation>没用</translation>
    </message>
    <message>
        <source>This suggestion did not help</source>
        <translation>这条建议没用</translation>
    </message>
    <message>
        <source>Show less</source>
        <translation>收起</translation>
    </message>
    <message>
        <source>Copied ✓</source>
        <translation>已复制 ✓</translation>
    </message>
</context>
<context>
    <name>SuggestionPanel</name>
    <message>
        <source>Suggestions</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>When the customer asks something, answers and scripts ready to use appear here.</source>
        <translation>客户提问后，这里会出现可直接使用的答案和话术。</translation>
    </message>
    <message>
        <source>For the customer: “{text}”</source>
        <translation>针对客户：“{text}”</translation>
    </message>
    <message>
        <source>Nothing matches “{text}”. Try other words.</source>
        <translation>没有找到与“{text}”匹配的答案，换个说法试试。</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <source>Live transcript</source>
        <translation>通话转写</translation>
    </message>
</context>
</TS>
